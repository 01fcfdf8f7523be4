import Foundation
import Testing

@testable import JobServer

/// The default batch's date (`CreateTaskHandler.utcDate`) against Foundation's calendar, across
/// leap days, century years and the ends of years, before and after 1970.
@Suite struct UTCDateTests {
    @Test func matchesTheGregorianCalendarInUTC() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var checked = 0
        // Every day from 1899-12-25 to 2101-01-05, at the first and the last second of the day.
        for day in -25_575...48_000 {
            for second in [0.0, 86_399.5] {
                let date = Date(timeIntervalSince1970: Double(day) * 86_400 + second)
                let parts = calendar.dateComponents([.year, .month, .day], from: date)
                let expected = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
                if CreateTaskHandler.utcDate(date) != expected {
                    Issue.record("day \(day) + \(second) s: \(CreateTaskHandler.utcDate(date)) != \(expected)")
                    return
                }
                checked += 1
            }
        }
        #expect(checked == 147_152)
        #expect(CreateTaskHandler.utcDate(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29")
    }
}
