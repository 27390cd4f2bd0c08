import Foundation
import KalanCore

/// Placeholder until the fixtures loader lands.
enum DemoSeedCommand {
    static func seed(_ ctx: CommandContext, fixtures: String?, ifEmpty: Bool) async throws {
        throw KalanError.invalid(field: "--demo", problem: .required)
    }
}
