import AlertsService
import CourierRuntime
import Foundation
import HTTPTypes
import Testing
import WeatherService

/// Answers every request with one canned response and remembers what it was asked, so the tests
/// exercise the generated clients end to end (URL building, headers, coding) without a network.
final class CannedTransport: HTTPTransport, Sendable {
    private let status: HTTPResponse.Status
    private let body: String
    private let received = Locked<[HTTPRequest]>([])

    init(status: HTTPResponse.Status = .ok, json body: String) {
        self.status = status
        self.body = body
    }

    /// The requests sent so far.
    var requests: [HTTPRequest] { received.withLock { $0 } }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        received.withLock { $0.append(request.head) }
        var head = HTTPResponse(status: status)
        head.headerFields[.contentType] = "application/json"
        return TransportResponse(head: head, body: Data(body.utf8))
    }
}

@Suite struct BuildPluginClientTests {
    @Test func forecastIsFetchedAndDecoded() async throws {
        let transport = CannedTransport(json: """
        {"city": "Oslo", "location": {"latitude": 59.91, "longitude": 10.75},
         "days": [{"date": "2026-11-21", "high": 2.5, "low": -3, "condition": "snow"},
                  {"date": "2026-11-22", "high": 4, "low": -1, "condition": "cloudy"}]}
        """)
        let client = WeatherClient(auth: .apiKey("secret-key"), transport: transport)

        let forecast = try await client.forecast(city: "Oslo")

        #expect(forecast.city == "Oslo")
        #expect(forecast.location.latitude == 59.91)
        #expect(forecast.days.map(\.condition) == [.snow, .cloudy])
        #expect(forecast.warmestDay?.high == 4)
        let request = try #require(transport.requests.first)
        #expect(request.path == "/v1/forecast/Oslo?days=3")
        #expect(request.authority == "weather.example.com")
        let apiKey = try #require(HTTPField.Name("X-API-Key"))
        #expect(request.headerFields[apiKey] == "secret-key")
    }

    @Test func declaredErrorIsTyped() async throws {
        let transport = CannedTransport(status: .notFound, json: #"{"message": "no city called Atlantis"}"#)
        let client = WeatherClient(transport: transport)

        await #expect {
            _ = try await client.forecast(city: "Atlantis", days: 1)
        } throws: { error in
            guard let error = error as? WeatherError, case .declared(.unknownCity(let problem), _) = error else { return false }
            return problem.message == "no city called Atlantis"
        }
        #expect(transport.requests.first?.path == "/v1/forecast/Atlantis?days=1")
    }

    @Test func mockAnswersThroughTheAPIProtocol() async throws {
        let mock = WeatherMock()
        mock.forecastHandler = { city, days in
            Forecast(city: city, location: Coordinates(latitude: 0, longitude: 0), days: [])
        }
        let api: any WeatherAPI = mock

        let forecast = try await api.forecast(city: "Lima")

        #expect(forecast.city == "Lima")
        #expect(mock.calls == [.forecast(city: "Lima", days: 3)])
    }
}

@Suite struct CheckedInClientTests {
    @Test func alertsAreFetchedWithTheirQuery() async throws {
        let transport = CannedTransport(json: """
        [{"id": "6f1c3f5e-54a4-4c4e-9d7e-1f0b2a3c4d5e", "headline": "Storm warning", "severity": "severe"}]
        """)
        let client = AlertsClient(transport: transport)

        let alerts = try await client.activeAlerts(region: "west coast", minimumSeverity: .moderate)

        #expect(alerts.map(\.headline) == ["Storm warning"])
        #expect(alerts.first?.isUrgent == true)
        #expect(transport.requests.first?.path == "/v1/alerts?region=west%20coast&minimumSeverity=moderate")
    }
}
