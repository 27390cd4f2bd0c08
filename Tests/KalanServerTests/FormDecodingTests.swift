import Foundation
import Hummingbird
import HummingbirdTesting
import KalanCore
import KalanStore
import KalanTestSupport
import Postgres
import Testing

@testable import KalanServer

@Suite("Forms decoded into structs: a missing or malformed field is refused by name")
struct FormDecodingTests {
    struct Sample: Decodable {
        var name: String
        var note: String?
        @WholeNumber var hours: Int
        @WholeNumber var months: Int?
        var partners: [String]
    }

    @Test func aFormDecodesWithSpacesNumbersAndCheckboxGroups() throws {
        let form = URLEncodedForm("csrf=t&name=R%C3%A9seaux+5G&hours=+30+&months=&partners.ITRC=1&partners.UNECA=1")
        let sample = try form.decode(Sample.self)
        #expect(sample.name == "Réseaux 5G" && sample.note == nil && sample.hours == 30 && sample.months == nil)
        #expect(sample.partners.sorted() == ["ITRC", "UNECA"])
        let none = try URLEncodedForm("name=a&hours=1&months=12").decode(Sample.self)
        #expect(none.partners.isEmpty && none.months == 12, "no box checked: an empty list")
    }

    @Test func aMissingOrMalformedFieldIsRefusedNamingIt() throws {
        #expect(throws: KalanError.invalid(field: "name", problem: .required)) { try URLEncodedForm("hours=1").decode(Sample.self) }
        #expect(throws: KalanError.invalid(field: "hours", problem: .required)) { try URLEncodedForm("name=a&hours=").decode(Sample.self) }
        #expect(throws: KalanError.invalid(field: "hours", problem: .format(.wholeNumber))) { try URLEncodedForm("name=a&hours=trente").decode(Sample.self) }
        #expect(throws: KalanError.invalid(field: "months", problem: .format(.wholeNumber))) { try URLEncodedForm("name=a&hours=1&months=1.5").decode(Sample.self) }
        do {
            _ = try URLEncodedForm("name=a&hours=trente").decode(Sample.self)
        } catch let error as KalanError {
            let message = error.message(in: .fr)
            #expect(message.hasPrefix("Heures") && message.contains("un nombre entier"), "the field by its French label")
            #expect(!message.contains("Int") && !message.contains("DecodingError"))
        }
        // A list where a text is expected is no form of Kalan's: answered as a stale form.
        #expect(throws: PageError.self) { try URLEncodedForm("name.x=1&hours=1").decode(Sample.self) }
    }

    @Test func aCourseWithoutATitleOrWithLettersForHoursIsRefusedBesideTheFieldInFrenchAndNothingKept() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let admin = try await Pages.signIn(client, "admin")
                let token = try Pages.csrf(try await Pages.get(client, "/courses/new?lang=fr", admin).body)
                let rest = "domain=5g&pass_mark=60&min_attendance=80&validity_months=&programme=&modules="
                var sent = try await Pages.post(
                    client, "/courses/new?lang=fr", admin, "csrf=\(token)&code=TEL-5G&title_en=5G+networks&hours=30&\(rest)&prerequisites.TEL=1")
                #expect(sent.status == 422 && sent.body.contains("f-title_fr-error") && sent.body.contains("obligatoire"), "missing: required, beside the field")
                #expect(sent.body.contains("name=\"prerequisites.TEL\" value=\"1\" checked"), "what was sent is shown again")
                sent = try await Pages.post(
                    client, "/courses/new?lang=fr", admin, "csrf=\(token)&code=TEL-5G&title_fr=R%C3%A9seaux+5G&title_en=5G+networks&hours=trente&\(rest)")
                #expect(sent.status == 422 && sent.body.contains("f-hours-error") && sent.body.contains("un nombre entier"), "letters: a whole number expected")
                #expect(sent.body.contains("value=\"trente\""), "what was typed is shown again")
                #expect(!sent.body.contains("Swift.Int") && !sent.body.contains("typeMismatch") && !sent.body.contains("DecodingError"))
                let count = try await pool.query(PostgresQuery(unsafeSQL: "SELECT count(*) AS n FROM course WHERE code = 'TEL-5G'")).first!.decode("n", as: Int.self)
                #expect(count == 0, "nothing stored")
                sent = try await Pages.post(
                    client, "/programmes/new?lang=fr", admin,
                    "csrf=\(token)&code=P-1&name_fr=Programme&starts_on=2027-01-01&ends_on=2027-12-31&target_trainees=beaucoup&partners.ITRC=1")
                #expect(sent.status == 422 && sent.body.contains("f-target_trainees-error") && sent.body.contains("un nombre entier"))
            }
        }
    }

    @Test func aDecodedFormSentAfterTheSessionExpiredIsKeptRawAndSavedAfterLogin() async throws {
        try await TestDatabase.withPool(maxConnections: 6) { pool in
            let f = try await APIFixture.make(pool)
            try await f.app().test(.router) { client in
                let body = "code=TEL-5G&title_fr=R%C3%A9seaux+5G&title_en=5G+networks&domain=5g&hours=30&pass_mark=60&min_attendance=80&modules=&prerequisites.TEL=1"
                let lost = try await Pages.post(client, "/courses/new?lang=en", nil, "csrf=old&\(body)")
                #expect(lost.status == 401 && lost.body.contains(#"name="r.prerequisites.TEL" value="1""#) && lost.body.contains(#"name="r.hours" value="30""#))
                let replay = body.split(separator: "&").map { "r.\($0)" }.joined(separator: "&")
                let login = try await Pages.post(
                    client, "/login?lang=en", nil, "username=admin&password=long-enough-1&next=%2Fcourses%2Fnew%3Flang%3Den&\(replay)")
                #expect(login.status == 200 && login.body.contains(#"name="prerequisites.TEL" value="1""#))
                let cookie = try #require(login.setCookie?.split(separator: ";").first.map(String.init))
                let resent = try await Pages.post(client, "/courses/new?lang=en", cookie, "csrf=\(try Pages.csrf(login.body))&\(body)")
                #expect(resent.status == 303)
                let course = try #require(try await PostgresRepository(pool: pool).transaction { try await $0.course(code: "TEL-5G") })
                #expect(course.hours == 30 && course.prerequisiteIDs.count == 1 && course.titleFR == "Réseaux 5G")
            }
        }
    }
}
