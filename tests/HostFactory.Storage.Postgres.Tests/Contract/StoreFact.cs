using HostFactory.Storage.Postgres.Testing;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace HostFactory.Storage.Postgres.Tests.Contract;

/// <summary>Marks a run of the contract suite that needs PostgreSQL (<see cref="TestPostgres"/>).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class NeedsPostgresAttribute : Attribute;

/// <summary>
/// A fact of the contract suite. It is written once in the abstract suite and runs in every derived class; in a class
/// marked <see cref="NeedsPostgresAttribute"/> it is reported skipped, with the reason, when no PostgreSQL is given.
/// </summary>
[XunitTestCaseDiscoverer("HostFactory.Storage.Postgres.Tests.Contract.StoreFactDiscoverer", "HostFactory.Storage.Postgres.Tests")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class StoreFactAttribute : FactAttribute;

/// <summary>Makes one <see cref="StoreTestCase"/> per <see cref="StoreFactAttribute"/> method and test class.</summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        [new StoreTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)];
}

/// <summary>A test case whose skip reason depends on its class: PostgreSQL runs are skipped when there is none.</summary>
public sealed class StoreTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public StoreTestCase()
    {
    }

    public StoreTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod testMethod)
        : base(diagnosticMessageSink, display, options, testMethod)
    {
    }

    protected override string? GetSkipReason(IAttributeInfo factAttribute) =>
        TestMethod.TestClass.Class.GetCustomAttributes(typeof(NeedsPostgresAttribute)).Any()
            ? TestPostgres.SkipReason ?? base.GetSkipReason(factAttribute)
            : base.GetSkipReason(factAttribute);
}
