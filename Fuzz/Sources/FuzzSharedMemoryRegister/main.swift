import Foundation
import FuzzRequestSupport
import FuzzSupport

@testable import KServeProtocol
@testable import ONNXRuntimeServing

/// Decodes the input as the body of `POST /v2/systemsharedmemory/region/NAME/register`, and registers what it asks
/// for over the harness's own POSIX object (never another key: a fuzzed key could name any object on the machine),
/// then reads the status, checks a range inside the region, and unregisters it. Any bytes must give a registration or
/// a `ServingError`, never a crash, a mapping past the object's end, or a region left behind.
private func testOne(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    guard let value = try? JSONParser.parse(FuzzDriver.array(bytes, count)), let object = value.objectValue,
        let registration = try? SharedMemoryRegistration(json: object)
    else { return 0 }
    let registry = RequestFixture.sharedMemory
    do {
        try registry.register(
            name: "fuzz", key: RequestFixture.sharedMemoryKey, offset: registration.offset,
            byteSize: registration.byteSize)
    } catch {
        return 0
    }
    guard registration.offset >= 0, registration.byteSize >= 0,
        registration.offset <= RequestFixture.sharedMemorySize - registration.byteSize
    else {
        FuzzDriver.fail(
            "offset \(registration.offset) and size \(registration.byteSize) were registered over a "
                + "\(RequestFixture.sharedMemorySize)-byte object")
    }
    guard let status = try? registry.status(name: "fuzz"), status.count == 1 else {
        FuzzDriver.fail("the registered region has no status")
    }
    if let region = try? registry.region(named: "fuzz") {
        // The last byte of the region is readable, and one past it is refused.
        if registration.byteSize > 0 {
            guard (try? region.checkRange(offset: registration.byteSize - 1, byteSize: 1)) != nil else {
                FuzzDriver.fail("the region's last byte is out of range")
            }
            let last = region.bytes(at: registration.byteSize - 1, count: 1)[0]
            guard last == UInt8((registration.offset + registration.byteSize - 1) % 251) else {
                FuzzDriver.fail("the region does not map the object at offset \(registration.offset)")
            }
        }
        guard (try? region.checkRange(offset: registration.byteSize, byteSize: 1)) == nil else {
            FuzzDriver.fail("a byte past the region's end passed the range check")
        }
    }
    registry.unregister(name: "fuzz")
    guard (try? registry.region(named: "fuzz")) == nil else { FuzzDriver.fail("the region outlived unregister") }
    return 0
}

// The entry point: libFuzzer runs `testOne` with this process's arguments.
exit(FuzzDriver.run(CommandLine.argc, CommandLine.unsafeArgv, testOne))
