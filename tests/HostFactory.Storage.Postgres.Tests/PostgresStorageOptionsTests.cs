using HostFactory.Domain.Requests;
using HostFactory.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HostFactory.Storage.Postgres.Tests;

/// <summary>The options: what they select, what they refuse, and that no message ever quotes the connection string.</summary>
public sealed class PostgresStorageOptionsTests
{
    private const string Secret = "pa55-Secret-9876";

    [Fact]
    public void Validate_WhenNoConnectionStringIsGiven_FailsNamingTheSettingAndTheVariable()
    {
        var failures = Validate(new PostgresStorageOptions { EnvironmentVariable = null, SettingsPath = "hostFactory:storage" });

        failures.Should().ContainSingle().Which.Should().Contain("hostFactory:storage:connectionString").And.Contain(PostgresStorageOptions.ConnectionVariable);
    }

    [Theory]
    [InlineData($"Host=db;Password={Secret};Bogus=1", "keyword 'bogus'")]
    [InlineData($"Host=db;Password={Secret};Port=notanumber", "keyword 'port'")]
    [InlineData($"{Secret}", "must be Key=Value pairs")]
    [InlineData($"Database=hf;Password={Secret}", "names no Host")]
    public void Validate_WhenTheConnectionStringIsWrong_SaysWhatWithoutQuotingIt(string connectionString, string expected)
    {
        var failures = Validate(new PostgresStorageOptions { EnvironmentVariable = null, ConnectionString = connectionString });

        failures.Should().ContainSingle().Which.Should().Contain(expected).And.NotContain(Secret);
    }

    [Fact]
    public void Validate_WhenOtherSettingsAreOutOfRange_NamesEachOfThem()
    {
        var failures = Validate(new PostgresStorageOptions
        {
            EnvironmentVariable = null,
            ConnectionString = "Host=db",
            Schema = "Bad-Schema",
            LockTimeout = TimeSpan.Zero,
            CommandTimeout = TimeSpan.FromMilliseconds(10),
            Retries = 11,
            RetryDelay = TimeSpan.FromMinutes(2),
        });

        failures.Should().HaveCount(5);
        string.Join(" ", failures).Should().ContainAll("schema", "lockTimeout", "commandTimeout", "retries", "retryDelay");
    }

    [Fact]
    public void BuildConnectionString_WhenTheVariableHoldsAWholeConnectionString_UsesItInsteadOfTheFiles()
    {
        var variable = UniqueVariable($"Host=other;Database=hf2;Username=hf;Password={Secret}");
        var options = new PostgresStorageOptions { EnvironmentVariable = variable, ConnectionString = "Host=db;Database=hf;Username=x", Schema = "hf_a" };

        var built = new NpgsqlConnectionStringBuilder(options.BuildConnectionString());

        built.Should().Match<NpgsqlConnectionStringBuilder>(b => b.Host == "other" && b.Database == "hf2" && b.Password == Secret && b.SearchPath == "hf_a" && b.ApplicationName == "hostfactory");
    }

    [Fact]
    public void BuildConnectionString_WhenTheVariableHoldsOnlyAPassword_AddsItToTheFilesConnectionString()
    {
        var variable = UniqueVariable("s3cr=t;with;semicolons");
        var options = new PostgresStorageOptions { EnvironmentVariable = variable, ConnectionString = "Host=db;Database=hf;Username=hf", CommandTimeout = TimeSpan.FromSeconds(12) };

        var built = new NpgsqlConnectionStringBuilder(options.BuildConnectionString());

        built.Should().Match<NpgsqlConnectionStringBuilder>(b => b.Host == "db" && b.Username == "hf" && b.Password == "s3cr=t;with;semicolons" && b.CommandTimeout == 12);
    }

    [Fact]
    public void Resolve_WhenTheOptionsAreInvalid_FailsAtStartWithTheSettingAndNoSecret()
    {
        using var services = new ServiceCollection()
            .AddPostgresStorage(o =>
            {
                o.EnvironmentVariable = null;
                o.ConnectionString = $"Password={Secret}";
            })
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var resolve = () => services.GetRequiredService<IRequestStore>();

        resolve.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("names no Host").And.NotContain(Secret);
    }

    [Fact]
    public void AddPostgresStorage_WhenCalledTwice_RegistersOneOfEachPort()
    {
        var services = new ServiceCollection().AddPostgresStorage(o => o.ConnectionString = "Host=db").AddPostgresStorage(o => o.Schema = "other");

        services.Count(d => d.ServiceType == typeof(IRequestStore)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IRequestReader)).Should().Be(1);
    }

    private static IReadOnlyList<string> Validate(PostgresStorageOptions options)
    {
        var result = new PostgresStorageOptionsValidator().Validate(null, options);
        return result.Failures?.ToList() ?? [];
    }

    private static string UniqueVariable(string value)
    {
        var name = "HF_TEST_PG_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, value);
        return name;
    }
}
