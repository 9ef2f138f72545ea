using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using HostFactory.Cli.Tests.Support;
using HostFactory.Storage.Postgres.Testing;

namespace HostFactory.Cli.Tests;

/// <summary><c>hostfactory storage migrate</c> and <c>storage copy</c>, run as an operator runs them.</summary>
public sealed partial class StorageVerbTests
{
    [PostgresFact]
    public async Task Copy_WhenMovingAnInstallationToPostgresAndBack_KeepsEveryRequestAndMachine()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var installation = await HostFactoryInstallation.CreateAsync(
            storage: PostgresInstallations.StorageSettings(database).Replace("\"kind\": \"postgres\"", "\"kind\": \"json\"", StringComparison.Ordinal),
            environment: PostgresInstallations.Environment(database));
        var request = (await installation.AnswerAsync("requestMachines", """{"template": {"templateId": "e2e-vm", "machineCount": 3}}""")).GetProperty("requestId").GetString()!;
        var made = await installation.WaitForRequestAsync(request);
        var giveBack = made.GetProperty("machines")[0].GetProperty("name").GetString()!;
        var returned = (await installation.AnswerAsync("requestReturnMachines", $$"""{"machines": [{"name": "{{giveBack}}"}]}""")).GetProperty("requestId").GetString()!;
        await installation.WaitForRequestAsync(returned);
        var onJson = await StateAsync(installation);

        var toPostgres = await installation.RunCliAsync("storage", "copy", "--to", "postgres", "--format", "json");
        await SwitchAsync(installation, "postgres", "data");
        var onPostgres = await StateAsync(installation);
        var again = await installation.RunCliAsync("storage", "copy", "--to", "postgres", "--format", "json");
        await SwitchAsync(installation, "postgres", "data-back");
        var backToJson = await installation.RunCliAsync("storage", "copy", "--to", "json", "--format", "table");
        await SwitchAsync(installation, "json", "data-back");
        var onJsonAgain = await StateAsync(installation);

        toPostgres.ExitCode.Should().Be(0, toPostgres.ToString());
        var counts = Json.Parse(toPostgres.StandardOutput);
        (counts.GetProperty("templates").GetInt32(), counts.GetProperty("requests").GetInt32(), counts.GetProperty("machines").GetInt32()).Should().Be((3, 2, 3));
        counts.GetProperty("target").GetString().Should().Be($"PostgreSQL at 127.0.0.1:{Port(database)}, database '{database.Name}'");
        onPostgres.Should().Be(onJson, "every field of every request and machine is in PostgreSQL (times to the microsecond)");
        again.ExitCode.Should().Be(3, again.ToString());
        again.StandardError.Should().Contain("not empty").And.NotContain(database.Password!);
        backToJson.ExitCode.Should().Be(0, backToJson.ToString());
        backToJson.StandardOutput.Should().Contain("Copied 3 template(s), 2 request(s) and 3 machine(s) from postgres");
        onJsonAgain.Should().Be(onJson, "and back in JSON files");
    }

    [PostgresFact]
    public async Task Migrate_WhenRunTwice_CreatesTheSchemaThenSaysItIsCurrent()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var installation = await PostgresInstallations.CreateAsync(database);

        var first = await installation.RunCliAsync("storage", "migrate", "--format", "json");
        var second = await installation.RunCliAsync("storage", "migrate", "--format", "table");

        first.ExitCode.Should().Be(0, first.ToString());
        Json.Parse(first.StandardOutput).GetProperty("toVersion").GetInt32().Should().Be(1);
        Json.Parse(first.StandardOutput).GetProperty("fromVersion").GetInt32().Should().Be(0);
        second.StandardOutput.Should().Contain("is at version 1, this version's: nothing to do.");
    }

    [PostgresFact]
    public async Task Calls_WhenThePasswordIsWrong_FailWithTheStorageExitCodeAndNoSecret()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var installation = await HostFactoryInstallation.CreateAsync(
            storage: PostgresInstallations.StorageSettings(database),
            environment: new Dictionary<string, string?> { ["HOSTFACTORY_STORAGE_CONNECTION"] = "not-the-password" });

        var call = await installation.RunScriptAsync("getAvailableTemplates", "{}");

        call.ExitCode.Should().Be(4, call.ToString());
        Json.Parse(call.StandardOutput).GetProperty("message").GetString().Should().Contain("password authentication failed").And.NotContain("not-the-password");
        File.ReadAllText(installation.LogFile).Should().NotContain("not-the-password").And.NotContain(database.Password!);
    }

    /// <summary>The requests and machines as the operator verbs list them, times cut to the microsecond.</summary>
    private static async Task<string> StateAsync(HostFactoryInstallation installation)
    {
        var requests = await installation.RunCliAsync("requests", "list", "--format", "json");
        var machines = await installation.RunCliAsync("machines", "list", "--format", "json");
        requests.ExitCode.Should().Be(0, requests.ToString());
        machines.ExitCode.Should().Be(0, machines.ToString());
        return Fraction().Replace(requests.StandardOutput + machines.StandardOutput, m => "." + (m.Groups[1].Value + "000000")[..6] + "+");
    }

    private static async Task SwitchAsync(HostFactoryInstallation installation, string kind, string dataDirectory)
    {
        var file = Path.Combine(installation.ConfigurationDirectory, $"{HostFactoryInstallation.InstanceName}prov_config.json");
        var text = await File.ReadAllTextAsync(file);
        text = KindSetting().Replace(text, $"\"kind\": \"{kind}\"");
        text = DataDirectorySetting().Replace(text, $"\"dataDirectory\": \"{dataDirectory}\"");
        await File.WriteAllTextAsync(file, text);
    }

    private static string Port(TestDatabase database) =>
        new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString).Port.ToString(CultureInfo.InvariantCulture);

    // The fraction of a second in a time, as written (.NET leaves out trailing zeros): compared to the microsecond.
    [GeneratedRegex(@"\.(\d{1,7})\+")]
    private static partial Regex Fraction();

    [GeneratedRegex("\"kind\": \"[a-z]+\"")]
    private static partial Regex KindSetting();

    [GeneratedRegex("\"dataDirectory\": \"[^\"]+\"")]
    private static partial Regex DataDirectorySetting();
}
