/// Hand-written code sits next to the generated code of the same module.
extension Forecast {
    /// The warmest day of the forecast, if it has any days.
    public var warmestDay: DayForecast? {
        days.max { $0.high < $1.high }
    }
}
