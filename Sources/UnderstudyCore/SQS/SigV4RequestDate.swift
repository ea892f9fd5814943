/// The request time a SigV4 signature covers, as the string to sign carries it
/// (`YYYYMMDD'T'HHMMSS'Z'`): `X-Amz-Date`, else `Date`; stateless.
///
/// Only read, never compared with the clock: AWS refuses requests more than 15 minutes off
/// (`RequestExpired`/`RequestTimeTooSkewed`), but staging machines run with skewed clocks and
/// Understudy emulates the service, it does not police its callers.
enum SigV4RequestDate {
    static func timestamp(_ headers: [(name: String, value: String)]) throws(SigV4FormatError) -> String {
        if let amzDate = headers.first(where: { $0.name.lowercased() == "x-amz-date" })?.value {
            let value = trimmed(amzDate)
            guard isBasicFormat(value) else { throw .badDate(amzDate) }
            return value
        }
        guard let date = headers.first(where: { $0.name.lowercased() == "date" })?.value else { throw .missingDate }
        let value = trimmed(date)
        if isBasicFormat(value) { return value }
        guard let converted = fromHTTPDate(value) else { throw .badDate(date) }
        return converted
    }

    /// `20150830T123600Z`.
    static func isBasicFormat(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return false }
        return isDigits(value.prefix(8)) && isDigits(value.dropFirst(9).prefix(6))
    }

    /// RFC 9110 §5.6.7 IMF-fixdate (`Sun, 30 Aug 2015 12:36:00 GMT`), also with the numeric
    /// zero offset Python's `email.utils.formatdate` writes (`-0000`), which botocore sends.
    static func fromHTTPDate(_ value: String) -> String? {
        let fields = value.split(separator: " ")
        guard fields.count == 6, fields[0].hasSuffix(","), ["GMT", "UTC", "UT", "Z", "+0000", "-0000"].contains(fields[5]),
              (1...2).contains(fields[1].count), isDigits(fields[1]), let day = Int(fields[1]), (1...31).contains(day),
              let month = months.firstIndex(of: fields[2].lowercased()),
              fields[3].count == 4, isDigits(fields[3]) else { return nil }
        let time = fields[4].split(separator: ":")
        guard time.count == 3, time.allSatisfy({ $0.count == 2 && isDigits($0) }) else { return nil }
        return "\(fields[3])\(twoDigits(month + 1))\(twoDigits(day))T\(time.joined())Z"
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    private static func isDigits(_ text: Substring) -> Bool {
        text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    private static func twoDigits(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }

    private static func trimmed(_ value: String) -> String {
        String(value.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
