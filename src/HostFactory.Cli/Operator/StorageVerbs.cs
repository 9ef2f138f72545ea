using System.CommandLine;
using System.Globalization;
using HostFactory.Cli.Commands;
using HostFactory.Cli.Infrastructure;
using HostFactory.Configuration;
using HostFactory.Hosting;
using HostFactory.Hosting.Failures;
using HostFactory.Storage.Json;
using HostFactory.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HostFactory.Cli.Operator;

/// <summary><c>storage migrate|copy</c>: the PostgreSQL schema, and moving an installation between the JSON files and PostgreSQL.</summary>
internal static class StorageVerbs
{
    public static Command Create(VerbRunner runner, GlobalOptions options)
    {
        var group = OperatorVerbs.Group(options, "storage", "Migrates the PostgreSQL store's schema and copies the whole state between the JSON files and PostgreSQL.");

        var migrate = new Command("migrate", "Creates or migrates the PostgreSQL store's schema to this version's (hosts do it on first use unless hostFactory.storage.autoMigrate is false); nothing to do for the JSON store.");
        migrate.SetAction((parseResult, ct) => runner.RunOperatorAsync(options.ValuesOf(parseResult), "storage migrate", async (session, format, token) =>
        {
            var maintenance = session.Runtime().GetService<PostgresStorageMaintenance>();
            var view = maintenance is null
                ? new StorageMigrateView(HostFactoryStorage.Json, null, null, null, null, "The JSON store needs no migration: it prepares its data directory on first use.")
                : await MigrateAsync(maintenance, token);
            if (format == OutputFormat.Json)
            {
                OperatorVerbs.WriteJson(session.Console.Out, view, static c => c.StorageMigrateView);
            }
            else
            {
                session.Console.Out.Write(view.Message + "\n");
            }

            return ExitCodes.Success;
        }, ct));

        var toOption = new Option<string>("--to")
        {
            Description = "The store to copy into: postgres (from the JSON data directory) or json (from PostgreSQL). Both are set in hostFactory.storage; the target must be empty.",
            Required = true,
            HelpName = "postgres|json",
        };
        toOption.AcceptOnlyFromAmong([.. HostFactoryStorage.Kinds]);
        var copy = new Command("copy", "Copies every template, request and machine from the JSON data directory into PostgreSQL (--to postgres) or back (--to json), then checks the target holds each one. Stop every host first.")
        {
            toOption,
        };
        copy.SetAction((parseResult, ct) => runner.RunOperatorAsync(options.ValuesOf(parseResult), "storage copy", async (session, format, token) =>
        {
            var to = parseResult.GetValue(toOption)!;
            var from = to == HostFactoryStorage.Postgres ? HostFactoryStorage.Json : HostFactoryStorage.Postgres;
            var paths = session.ResolvePaths();
            var configuration = HostFactoryContainer.LoadConfiguration(paths);
            await using var source = Build(configuration, paths, from);
            await using var target = Build(configuration, paths, to);
            var (fromName, toName) = (Describe(source, from), Describe(target, to));
            var counts = await StorageCopy.CopyAsync(source, target, token);
            var view = new StorageCopyView(from, fromName, to, toName, counts.Templates, counts.Requests, counts.Machines);
            if (format == OutputFormat.Json)
            {
                OperatorVerbs.WriteJson(session.Console.Out, view, static c => c.StorageCopyView);
            }
            else
            {
                session.Console.Out.Write(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Copied {counts.Templates} template(s), {counts.Requests} request(s) and {counts.Machines} machine(s) from {from} ({fromName}) to {to} ({toName}); the target holds each of them.\n"));
            }

            return ExitCodes.Success;
        }, ct));

        group.Subcommands.Add(migrate);
        group.Subcommands.Add(copy);
        return group;
    }

    private static async Task<StorageMigrateView> MigrateAsync(PostgresStorageMaintenance maintenance, CancellationToken cancellationToken)
    {
        var done = await maintenance.MigrateAsync(cancellationToken);
        var message = done.FromVersion == done.ToVersion
            ? $"The schema '{done.Schema}' of {done.Database} is at version {done.ToVersion}, this version's: nothing to do."
            : $"Migrated the schema '{done.Schema}' of {done.Database} from version {done.FromVersion} to {done.ToVersion}.";
        return new StorageMigrateView(HostFactoryStorage.Postgres, done.Database, done.Schema, done.FromVersion, done.ToVersion, message);
    }

    /// <summary>A container with only the store of <paramref name="kind"/>, as configured.</summary>
    private static ServiceProvider Build(Microsoft.Extensions.Configuration.IConfiguration configuration, HostFactoryPaths paths, string kind) =>
        HostFactoryStorage.Add(new ServiceCollection(), configuration, paths, kind)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

    /// <summary>Where a store is, for messages: the data directory, or the database (never its connection string).</summary>
    private static string Describe(IServiceProvider store, string kind) => kind == HostFactoryStorage.Json
        ? store.GetRequiredService<IOptions<JsonFileStorageOptions>>().Value.ResolveDataDirectory()
        : store.GetRequiredService<PostgresStorageMaintenance>().Database;
}
