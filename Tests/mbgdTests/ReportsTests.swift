import Testing

@testable import MBGDCommands

@Suite struct ReportsTests {
    @Test func movingAveragesAreTheMeansOfEachWindowByHand() {
        let points = Reports.movingAverage([1, 2, 3, 4, 10], window: 2)
        #expect(points.map(\.x) == [2, 3, 4, 5])
        #expect(points.map(\.y) == [1.5, 2.5, 3.5, 7])
        #expect(Reports.movingAverage([5], window: 2).isEmpty)
        #expect(Reports.movingAverage([5, 7], window: 1).map(\.y) == [5, 7])
    }
}

@Suite struct FeatureListTests {
    @Test func featureListsAreReadAsOneCSVRecord() {
        #expect(DataOptions.csvRecord("a, b ,c") == ["a", "b", "c"])
        #expect(DataOptions.csvRecord("a,\"b, c\" ,\"d\"\"e\"") == ["a", "b, c", "d\"e"])
        #expect(DataOptions.csvRecord("") == [""])
    }
}
