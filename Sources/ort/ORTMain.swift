// The `ort` command line. All logic lives in the ORTCommands library, which the `Server` trait builds.
#if Server
import ORTCommands

@main
enum ORTMain {
    static func main() async {
        ORTCommand.prepareProcess(arguments: CommandLine.arguments)
        let status = await ORTCommand.runReturningStatus()
        ORTCommand.exitSkippingHandlers(status)
    }
}
#else
import Foundation

@main
enum ORTMain {
    static func main() {
        FileHandle.standardError.write(
            Data("ort needs the Server trait: swift build --traits Server --product ort\n".utf8))
        exit(1)
    }
}
#endif
