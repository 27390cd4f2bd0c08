import KalanCore
import Testing

/// A serial pasted from a PDF or a message finds its certificate (issue 20).
@Suite("Certificate serials as people type them")
struct SerialTypingTests {
    @Test func spacesCaseAndMissingDashesAreForgiven() {
        let serial = "MCENMA-2027-7KQ3-M9XD"
        for typed in ["  mcenma-2027-7kq3-m9xd ", "MCENMA - 2027 - 7KQ3 - M9XD", "mcenma20277kq3m9xd", " MCENMA 2027 7KQ3 M9XD", "MCENMA-20277KQ3M9XD", "MCENMA-2027-7KQ3-M9XD"] {
            #expect(CertificateIssuing.normalisedSerial(typed) == serial, "\(typed)")
        }
        #expect(CertificateIssuing.normalisedSerial("mcenma-2027-7kq3-m9xo") == "MCENMA-2027-7KQ3-M9X0", "O read as zero")
        #expect(CertificateIssuing.normalisedSerial("++MCENMA") == "++MCENMA", "not a serial: left as typed, upper-cased")
    }
}
