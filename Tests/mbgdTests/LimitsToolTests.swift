import Foundation
import Testing

/// The tool under limits users set: it finishes or says why, and never hangs.
@Suite struct LimitsToolTests {
    @Test func anAddressSpaceLimitNeverHangsOpenBLAS() throws {
        let folder = try scratchFolder()
        let small = try write("a,y\n1,2\n2,4\n3,6.5\n", to: folder + "/small.csv")
        // Before: OpenBLAS, its threads started at load, retried its buffer forever at 100 % CPU.
        let roomy = try run("/usr/bin/prlimit", arguments: ["--as=400000000", toolPath, "solve", small, "--json"], timeout: 60)
        #expect(roomy.status == 0, "\(roomy.stderr)")
        let slope = try #require((try roomy.json["coefficients"] as? [Double])?.first)
        #expect(abs(slope - 2.25) < 1e-12)  // (1, 2), (2, 4), (3, 6.5): Sxy / Sxx = 4.5 / 2
        let tight = try run("/usr/bin/prlimit", arguments: ["--as=200000000", toolPath, "solve", small], timeout: 60)
        #expect(tight.status == 1, "\(tight.stderr)")
        #expect(tight.stderr.contains("(ulimit -v) leaves too little room for OpenBLAS's working buffer"), "\(tight.stderr)")
    }
}
