/// Compile-time compatibility between generated code and this runtime.
///
/// Every generated file names the nested type for the runtime version its generator targets, such
/// as `CourierRuntimeCompatibility.Version0_1`. Linking generated code against a runtime that
/// lacks that type fails to compile with a message naming it, instead of misbehaving at run time.
/// The type is renamed whenever generated code and runtime stop fitting each other.
public enum CourierRuntimeCompatibility {
    /// Generated code from Courier 0.1.
    public enum Version0_1 {}

    /// The runtime's version.
    public static let version = "0.1.0"
}
