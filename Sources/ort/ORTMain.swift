// The `ort` command line. All logic lives in the ORTCommands library.
import ORTCommands

@main
enum ORTMain {
    static func main() async {
        ORTCommand.prepareProcess(arguments: CommandLine.arguments)
        let status = await ORTCommand.runReturningStatus()
        ORTCommand.exitSkippingHandlers(status)
    }
}
