import Foundation

/// The command line, parsed by hand.
struct Options {
    var model: String?
    var data: String?
    var batch = 256
    var threads = 0
    var minAccuracy: Double?
    var show = 3
    var image: String?
    var index: Int?
    var help = false

    static let usage = """
        MNIST: recognise handwritten digits with a small ONNX model through swift-onnxruntime.

        Usage:
          MNIST [OPTIONS]                 classify the MNIST test set; print accuracy, confusion matrix, speed
          MNIST --index N [OPTIONS]       classify test digit N; draw it, print the prediction and top 3
          MNIST --image FILE [OPTIONS]    classify a PGM picture (P5 or P2; any size, resampled to 28x28)

        Options:
          --model PATH          the ONNX model (default: Examples/MNIST/mnist-mlp.onnx)
          --data DIR            folder with t10k-images.idx3-ubyte[.gz] and t10k-labels.idx1-ubyte[.gz]
                                (default: ../shared/data/mnist beside the package, else the 200-digit sample
                                in Examples/MNIST/sample)
          --batch N             digits per run (default: 256)
          --threads N           ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose (default: 0)
          --min-accuracy A      exit with status 1 if the test accuracy is below A, a fraction such as 0.98
          --show N              how many right and how many wrong digits to draw (default: 3)
          -h, --help            show this help

        Example: swift run -c release MNIST --min-accuracy 0.98
        """

    /// Parses the arguments (without the program name).
    static func parse(_ arguments: [String]) throws(ExampleError) -> Options {
        var options = Options()
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            var name = argument
            var inlineValue: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            func value() throws(ExampleError) -> String {
                if let inlineValue { return inlineValue }
                guard let next = remaining.popFirst() else { throw ExampleError("\(name) needs a value (see --help)") }
                return next
            }
            func integer(_ range: ClosedRange<Int>) throws(ExampleError) -> Int {
                let text = try value()
                guard let number = Int(text), range.contains(number) else {
                    throw ExampleError(
                        "\(name) needs a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
                }
                return number
            }
            switch name {
            case "-h", "--help": options.help = true
            case "--model": options.model = try value()
            case "--data": options.data = try value()
            case "--image": options.image = try value()
            case "--index": options.index = try integer(0...Int(Int32.max))
            case "--batch": options.batch = try integer(1...65536)
            case "--threads": options.threads = try integer(0...1024)
            case "--show": options.show = try integer(0...1000)
            case "--min-accuracy":
                let text = try value()
                guard let number = Double(text), (0...1).contains(number) else {
                    throw ExampleError("--min-accuracy needs a fraction from 0 to 1 (such as 0.98), not '\(text)'")
                }
                options.minAccuracy = number
            default:
                if name.hasPrefix("-") { throw ExampleError("unknown option '\(name)' (see --help)") }
                throw ExampleError("unexpected argument '\(argument)' (see --help)")
            }
            if inlineValue != nil && (name == "-h" || name == "--help") {
                throw ExampleError("\(name) takes no value")
            }
        }
        if options.image != nil && options.index != nil {
            throw ExampleError("give either --image or --index, not both")
        }
        if options.minAccuracy != nil && (options.image != nil || options.index != nil) {
            throw ExampleError("--min-accuracy applies to the test-set evaluation, not to --image or --index")
        }
        return options
    }
}
