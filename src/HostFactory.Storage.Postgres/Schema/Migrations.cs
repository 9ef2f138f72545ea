namespace HostFactory.Storage.Postgres.Schema;

/// <summary>One step of the schema: applied once, in order, and recorded in <c>schema_migrations</c>.</summary>
/// <param name="Version">The schema version it brings the database to.</param>
/// <param name="Description">What it does, as recorded.</param>
/// <param name="Sql">The statements; run in the schema (it is the search path), inside the migration's transaction.</param>
internal sealed record Migration(int Version, string Description, string Sql);

/// <summary>
/// Every migration this build knows, oldest first. A migration is never edited once released: a change is a new
/// migration. The status words in the partial indexes are the domain's (<c>RequestStatusWords</c>,
/// <c>MachineStatusWords</c>); <c>SchemaTests</c> checks they still are the unfinished and inactive ones.
/// </summary>
internal static class Migrations
{
    /// <summary>The request statuses that are not final, as the partial index <c>requests_unfinished</c> lists them.</summary>
    public const string UnfinishedRequestStatuses = "'pending', 'provisioning', 'releasing'";

    /// <summary>The machine statuses that no longer count against a template, as <c>machines_active_by_template</c> excludes them.</summary>
    public const string InactiveMachineStatuses = "'terminated', 'failed'";

    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "templates, requests and machines with the protocol's lookup indexes", $"""
            CREATE TABLE templates (
                id                text COLLATE "C" PRIMARY KEY,
                version           bigint NOT NULL CHECK (version > 0),
                deleted_at        timestamptz NULL,
                provider_name     text NOT NULL,
                max_number        integer NOT NULL,
                type              text NOT NULL,
                ncpus             integer NULL,
                ncores            integer NULL,
                nram              integer NOT NULL,
                rank              integer NULL,
                price_info        text NULL,
                extra_attributes  json  NOT NULL,
                provider_settings json  NOT NULL,
                enabled           boolean NOT NULL,
                request_timeout   interval NOT NULL,
                created_at        timestamptz NOT NULL,
                updated_at        timestamptz NOT NULL
            );
            CREATE INDEX templates_created ON templates (created_at, id) WHERE deleted_at IS NULL;

            CREATE TABLE requests (
                id                text COLLATE "C" PRIMARY KEY,
                version           bigint NOT NULL CHECK (version > 0),
                kind              text NOT NULL,
                template_id       text COLLATE "C" NULL,
                requested_count   integer NOT NULL,
                machine_ids       text[] NOT NULL,
                status            text NOT NULL,
                message           text NOT NULL,
                created_at        timestamptz NOT NULL,
                updated_at        timestamptz NOT NULL,
                completed_at      timestamptz NULL,
                deadline          timestamptz NOT NULL,
                sync_attempts     integer NOT NULL,
                provision_attempt integer NOT NULL
            );
            CREATE INDEX requests_created ON requests (created_at, id);
            CREATE INDEX requests_by_status ON requests (status, created_at, id);
            CREATE INDEX requests_by_template ON requests (template_id, status, created_at, id) WHERE template_id IS NOT NULL;
            CREATE INDEX requests_unfinished ON requests (created_at, id) WHERE status IN ({UnfinishedRequestStatuses});

            CREATE TABLE machines (
                id                  text COLLATE "C" PRIMARY KEY,
                version             bigint NOT NULL CHECK (version > 0),
                provider_name       text NOT NULL,
                provider_machine_id text NOT NULL,
                host_name           text NOT NULL,
                host_key            text COLLATE "C" NULL,
                private_ip_address  text NOT NULL,
                public_ip_address   text NULL,
                launch_time         timestamptz NOT NULL,
                template_id         text COLLATE "C" NOT NULL,
                request_id          text COLLATE "C" NOT NULL,
                return_request_id   text COLLATE "C" NULL,
                status              text NOT NULL,
                message             text NOT NULL,
                provider_data       json  NOT NULL,
                instance_type       text NULL,
                price_type          text NULL,
                cloud_host_id       text NULL,
                tags                json  NOT NULL,
                created_at          timestamptz NOT NULL,
                updated_at          timestamptz NOT NULL,
                reported_machine_id text NOT NULL
            );
            CREATE INDEX machines_created ON machines (created_at, id);
            CREATE INDEX machines_by_status ON machines (status, created_at, id);
            CREATE INDEX machines_by_template ON machines (template_id, status, created_at, id);
            CREATE INDEX machines_by_request ON machines (request_id, created_at, id);
            CREATE INDEX machines_by_return_request ON machines (return_request_id, created_at, id) WHERE return_request_id IS NOT NULL;
            CREATE INDEX machines_by_host ON machines (host_key) WHERE host_key IS NOT NULL;
            CREATE INDEX machines_active_by_template ON machines (template_id) WHERE status NOT IN ({InactiveMachineStatuses});
            """),
    ];

    /// <summary>The newest schema version this build knows.</summary>
    public static int Latest => All[^1].Version;
}
