using System.Text.Json;
using HostFactory.Configuration;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

// Usage: worker <hostfactory.json> <work dir> <instance> <operation> [arguments]
//   provision <templates.json> <templateId> <count> [go-file|-] [key]
//       (writes <go-file>.waiting-<pid>, then waits for go-file to exist before provisioning; provisions under key, a
//       new request's attempt 0 by default)
//   describe|release|reclaimed <machines.json>                   ([{ "id", "host", "data" }])
// Prints one JSON document on stdout; exit 0 on success, 1 with the error on stderr. With HOSTFACTORY_TEST_GATE set,
// provision passes a test's StepGate once the provider answered, before it prints.
try
{
    var (configFile, workDirectory, instance, operation) = (args[0], args[1], args[2], args[3]);
    var configuration = HostFactoryConfiguration.Load(configFile);
    var services = new ServiceCollection()
        .AddMachineProviders(configuration.GetSection(HostFactoryConfiguration.ProvidersSection), host =>
        {
            host.ConfigurationFile = configFile;
            host.ConfigurationDirectory = Path.GetDirectoryName(configFile);
            host.WorkDirectory = workDirectory;
        })
        .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    services.GetRequiredService<IStartupValidator>().Validate();
    var provider = services.GetRequiredService<IMachineProviderRegistry>().Get(instance);
    var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
    object answer;
    switch (operation)
    {
        case "provision":
            var template = TemplateFile.Load(args[4], TimeProvider.System).Single(t => t.Id.Value == args[5]).ToSnapshot();
            if (args.Length > 7 && args[7] != "-")
            {
                // The handshake: this process is loaded and waits (the tests' Worker.WaitUntilWaitingAsync counts these files).
                File.WriteAllText($"{args[7]}.waiting-{Environment.ProcessId}", string.Empty);
                while (!File.Exists(args[7]))
                {
                    await Task.Delay(10);
                }
            }

            var key = args.Length > 8
                ? (ProvisionKey.TryParse(args[8], out var given) ? given : throw new ArgumentException($"'{args[8]}' is not a provision key."))
                : new ProvisionKey(RequestId.NewAcquire(), 0);
            var result = await provider.ProvisionAsync(new ProvisionRequest(key, template, int.Parse(args[6], System.Globalization.CultureInfo.InvariantCulture)), CancellationToken.None);
            answer = new { machines = result.Machines.Select(m => new { id = m.ProviderMachineId, host = m.HostName, ip = m.PrivateIpAddress, data = m.ProviderData }), error = result.Error };
            if (Environment.GetEnvironmentVariable("HOSTFACTORY_TEST_GATE") is { } gate)
            {
                // The "answered" site of a test's StepGate: the provider answered, the caller has not printed it yet.
                using var passing = System.Diagnostics.Process.Start(Path.Combine(gate, "hf-gate"), ["answered"]);
                await passing.WaitForExitAsync();
            }

            break;
        default:
            var asked = JsonSerializer.Deserialize<List<WorkerMachine>>(File.ReadAllText(args[4]), json)!
                .Select(m => new ProviderMachine(MachineId.New(), m.Id, m.Host, m.Data ?? [])).ToArray();
            answer = operation switch
            {
                "describe" => await provider.DescribeAsync(asked, CancellationToken.None),
                "release" => await provider.ReleaseAsync(asked, CancellationToken.None),
                "reclaimed" => await provider.ListReclaimedAsync(asked, CancellationToken.None),
                _ => throw new ArgumentException($"Unknown operation '{operation}'."),
            };
            break;
    }

    Console.WriteLine(JsonSerializer.Serialize(answer, json));
    return 0;
}
catch (Exception exception)
{
    Console.Error.WriteLine(exception.ToString());
    return 1;
}

internal sealed record WorkerMachine(string Id, string Host, Dictionary<string, string>? Data);
