import Foundation

/// A cell of a written spreadsheet.
public enum SheetCell: Sendable, Hashable {
    case text(String)
    /// A count or any number shown as it is.
    case number(Double)
    /// A rate, percentage or mean, shown with one decimal.
    case decimal(Double)
    case empty
}
