// The `ort` command line. All logic lives in the ORTCommands library.
import ORTCommands

@main
enum ORTMain {
    static func main() async {
        let status = await ORTCommand.runReturningStatus()
        ORTCommand.exitSkippingHandlers(status)
    }
}
