// The MNIST example: recognise handwritten digits with a small neural network (a 784-256-128-10 MLP trained by
// train.py) through the ONNXRuntime Swift API.
//
//     scripts/install-runtime.sh                       # once: the ONNX Runtime shared library, into .ort/
//     swift run -c release MNIST                       # the whole test set: accuracy, confusion matrix, speed
//     swift run -c release MNIST --index 1234          # one test digit, drawn, with the top 3 guesses
//     swift run -c release MNIST --image digit.pgm     # a picture of your own (PGM, P5 or P2)
//     swift run -c release MNIST --help
//
// Files: Options.swift (command line), Command.swift (what runs), Classifier.swift (the Session), IDX.swift and
// Gzip.swift (MNIST's file format and its compression), PGM.swift (pictures), Drawing.swift (digits as text).
import Foundation

exit(Command.main(Array(CommandLine.arguments.dropFirst())))
