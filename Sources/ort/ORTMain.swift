// The `ort` command line. All logic lives in the ORTCommands library.
import ArgumentParser
import ORTCommands

@main
enum ORTMain {
    static func main() async {
        await ORTCommand.main(nil)
    }
}
