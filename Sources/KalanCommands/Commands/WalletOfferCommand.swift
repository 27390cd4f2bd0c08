import ArgumentParser
import Foundation
import KalanCertificates
import KalanCore
import KalanStore

extension CertificateCommand {
    /// `kalan certificate offer SERIAL [--valid-for 30m] [--json]` (issue 31).
    struct Offer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A wallet offer for a valid certificate (HR, admin): the holder's wallet receives a copy bound to its DID.",
            discussion: """
                Single use across its ways in (the Learner Credential Wallet's request link, a VCALM interaction URL, OpenID4VCI \
                with the transaction code, which also goes to the holder by SMS, else e-mail); a new offer ends the live one. \
                --valid-for takes minutes (30m), hours (2h) or seconds (90s), between 1 minute and 24 hours.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument var serial: String
        @Option(name: .customLong("valid-for"), help: "How long the offer stays valid (30m, 2h).") var validFor = "30m"
        @Flag(help: "One JSON object: offerId, expiresAt, lcwRequestUrl, interactionUrl, credentialOfferUrl, txCode.") var json = false

        /// `30m`, `2h`, `90s`, or bare minutes; nil for anything else.
        static func seconds(_ text: String) -> TimeInterval? {
            let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
            let unit: Double
            var digits = Substring(trimmed)
            switch trimmed.last {
            case "s": (unit, digits) = (1, digits.dropLast())
            case "m": (unit, digits) = (60, digits.dropLast())
            case "h": (unit, digits) = (3600, digits.dropLast())
            default: unit = 60
            }
            guard digits.count <= 6, let value = Int(digits), value > 0 else { return nil }
            return Double(value) * unit
        }

        func validate() throws {
            guard let seconds = Self.seconds(validFor), WalletOffers.validityRange.contains(seconds) else {
                throw ValidationError("--valid-for: between 1m and 24h, e.g. 30m")
            }
        }

        struct Answer: Encodable {
            var offerId, expiresAt, lcwRequestUrl, interactionUrl, credentialOfferUrl, txCode: String
        }

        func run() async throws {
            try await CommandContext.run(global) { ctx in
                let issuer = try await CommandIssuer.issuer(ctx, global, for: .reads)
                let offers = WalletOffers(store: PostgresWalletOffers(pool: ctx.runtime.pool), signer: issuer, publicURL: issuer.publicURL, clock: ctx.clock)
                let offer = try await offers.create(serial: serial, validFor: Self.seconds(validFor) ?? WalletOffers.defaultValidity, by: .account(ctx.actor))
                let links = offers.links(of: offer)
                let formatter = ISO8601DateFormatter()
                let expires = formatter.string(from: offer.expiresAt)
                if json {
                    let answer = Answer(
                        offerId: offer.id, expiresAt: expires, lcwRequestUrl: links.lcwRequestUrl, interactionUrl: links.interactionUrl,
                        credentialOfferUrl: links.credentialOfferUrl, txCode: offer.txCode)
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.withoutEscapingSlashes]
                    ctx.print(String(decoding: try encoder.encode(answer), as: UTF8.self))
                } else {
                    ctx.say("cli.certificate.offer", ["offer": offer.id, "serial": offer.serial, "expires": expires, "code": offer.txCode])
                    ctx.print(links.lcwRequestUrl)
                    ctx.print(links.interactionUrl)
                    ctx.print(links.credentialOfferUrl)
                }
            }
        }
    }
}
