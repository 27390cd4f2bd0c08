import Foundation
import KalanCore
import OpenAPIRuntime

extension KalanAPI {
    /// `POST /certificates/{serial}/wallet-offers`: the same use case as the pages and the CLI.
    func createWalletOffer(_ input: Operations.CreateWalletOffer.Input) async throws -> Operations.CreateWalletOffer.Output {
        try ContractLimits.text(input.path.serial, "serial", min: 1, max: 64)
        guard let walletOffers else { throw KalanError.unavailable }
        var minutes = 30
        if case .json(let body)? = input.body, let asked = body.validForMinutes {
            try ContractLimits.number(asked, "validForMinutes", in: 1...1440)
            minutes = asked
        }
        let offer = try await walletOffers.create(serial: input.path.serial, validFor: TimeInterval(minutes * 60), by: .account(actor))
        let links = walletOffers.links(of: offer)
        return .created(
            .init(
                body: .json(
                    .init(
                        offerId: offer.id, expiresAt: offer.expiresAt, lcwRequestUrl: links.lcwRequestUrl, interactionUrl: links.interactionUrl,
                        credentialOfferUrl: links.credentialOfferUrl, txCode: actor.managesRegister ? offer.txCode : nil))))
    }
}
