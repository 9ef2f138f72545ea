using System.Globalization;

namespace HostFactory.Providers.Aws.Tests.Emulator;

/// <summary>An EC2 error answer: AWS's code, message and HTTP status.</summary>
public sealed class Ec2Fault(string code, string message, int status = 400) : Exception(message)
{
    public string Code { get; } = code;

    public int Status { get; } = status;
}

/// <summary>One instance as the emulator keeps it.</summary>
public sealed class EmulatedInstance
{
    public required string Id { get; init; }

    public required string ReservationId { get; init; }

    public required string ImageId { get; init; }

    public required string InstanceType { get; init; }

    public required string SubnetId { get; init; }

    public required string AvailabilityZone { get; init; }

    public required string PrivateIpAddress { get; init; }

    public string PrivateDnsName => $"ip-{PrivateIpAddress.Replace('.', '-')}.{AvailabilityZone[..^1]}.compute.internal";

    public string? PublicIpAddress { get; set; }

    public required DateTime LaunchTime { get; init; }

    public string State { get; set; } = "pending";

    public string? StateReasonCode { get; set; }

    public string? StateReasonMessage { get; set; }

    public bool Spot { get; init; }

    public string? ClientToken { get; init; }

    public string? KeyName { get; init; }

    public string? UserData { get; init; }

    public string? IamInstanceProfile { get; init; }

    public IReadOnlyList<string> SecurityGroupIds { get; init; } = [];

    public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

    public int Describes { get; set; }

    public static int CodeOf(string state) => state switch
    {
        "pending" => 0,
        "running" => 16,
        "shutting-down" => 32,
        "terminated" => 48,
        "stopping" => 64,
        "stopped" => 80,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "not an EC2 instance state"),
    };
}

/// <summary>A launch template the emulator knows.</summary>
public sealed record EmulatedLaunchTemplate(string Id, string Name, string ImageId, string InstanceType);

/// <summary>
/// The state of the emulated account in one region: instances, images, subnets, security groups, launch templates and
/// Systems Manager parameters, with the knobs tests turn to make AWS misbehave (errors, throttling, slow answers, too
/// little capacity, specifications a fleet cannot fill, outside events). Thread-safe: every member takes the lock.
/// </summary>
public sealed class EmulatedCloud
{
    public const string Region = "eu-west-1";
    public const string ImageId = "ami-0a1b2c3d4e5f60718";
    public const string RootDeviceName = "/dev/xvda";
    public const string SubnetA = "subnet-0a1b2c3d4e5f60711";
    public const string SubnetB = "subnet-0a1b2c3d4e5f60722";
    public const string SecurityGroup = "sg-0a1b2c3d4e5f60733";
    public const string LaunchTemplateId = "lt-0a1b2c3d4e5f60744";
    public const string LaunchTemplateName = "hf-workers";
    public const string ImageParameter = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64";

    private readonly Lock _lock = new();
    private readonly List<EmulatedInstance> _instances = [];
    private readonly Dictionary<string, (string Signature, string ReservationId)> _runTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Signature, string Answer)> _fleetTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<Ec2Fault>> _faults = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<TaskCompletionSource>> _holds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _refused = new(StringComparer.Ordinal);
    private readonly List<(string InstanceType, string? SubnetId, string Lifecycle, string Code, string Message)> _failingSpecifications = [];
    private int _nextId;

    public Dictionary<string, string> Images { get; } = new(StringComparer.Ordinal) { [ImageId] = RootDeviceName };

    public Dictionary<string, string> Subnets { get; } = new(StringComparer.Ordinal) { [SubnetA] = Region + "a", [SubnetB] = Region + "b" };

    public HashSet<string> SecurityGroups { get; } = new(StringComparer.Ordinal) { SecurityGroup };

    public List<EmulatedLaunchTemplate> LaunchTemplates { get; } = [new(LaunchTemplateId, LaunchTemplateName, ImageId, "m5.large")];

    public Dictionary<string, string> Parameters { get; } = new(StringComparer.Ordinal) { [ImageParameter] = ImageId };

    /// <summary>How many more on-demand instances fit; null for no limit.</summary>
    public int? Capacity { get; set; }

    /// <summary>The most instances one <c>DescribeInstances</c> page holds, whatever <c>MaxResults</c> asks.</summary>
    public int PageLimit { get; set; } = 1000;

    /// <summary>How many times a pending instance is described before it is running.</summary>
    public int DescribesUntilRunning { get; set; } = 1;

    /// <summary>The tag <c>TerminateInstances</c> demands on every instance, as an IAM condition would; null for none.</summary>
    public (string Key, string Value)? TerminateCondition { get; set; }

    public IReadOnlyList<EmulatedInstance> Instances => Locked(() => _instances.ToArray());

    public EmulatedInstance Instance(string id) => Locked(() => _instances.Single(i => i.Id == id));

    /// <summary>The next <paramref name="times"/> calls of <paramref name="action"/> fail with <paramref name="code"/>.</summary>
    public void Fail(string action, string code, string message, int status = 400, int times = 1) => Locked(() =>
    {
        var queue = _faults.TryGetValue(action, out var existing) ? existing : _faults[action] = new Queue<Ec2Fault>();
        for (var i = 0; i < times; i++)
        {
            queue.Enqueue(new Ec2Fault(code, message, status));
        }
    });

    /// <summary>The next <paramref name="times"/> calls of <paramref name="action"/> are throttled, as EC2 throttles: HTTP 503, RequestLimitExceeded.</summary>
    public void Throttle(string action, int times) => Fail(action, "RequestLimitExceeded", "Request limit exceeded.", 503, times);

    /// <summary>
    /// The next call of <paramref name="action"/> does its work, then holds its answer until the returned gate is opened
    /// (or the emulator stops): a client that gives up meanwhile has timed out on a call AWS served.
    /// </summary>
    public TaskCompletionSource HoldAnswer(string action) => Locked(() =>
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        (_holds.TryGetValue(action, out var existing) ? existing : _holds[action] = new Queue<TaskCompletionSource>()).Enqueue(gate);
        return gate;
    });

    /// <summary>Every call of <paramref name="action"/> is refused (UnauthorizedOperation), as a missing IAM permission.</summary>
    public void Refuse(string action) => Locked(() => _refused.Add(action));

    /// <summary>A fleet cannot launch <paramref name="instanceType"/> (in <paramref name="subnetId"/>, or anywhere) as <paramref name="lifecycle"/>.</summary>
    public void FailSpecification(string instanceType, string? subnetId, string lifecycle, string code, string message) =>
        Locked(() => _failingSpecifications.Add((instanceType, subnetId, lifecycle, code, message)));

    /// <summary>Someone launches a running instance outside HostFactory, with <paramref name="tags"/>.</summary>
    public EmulatedInstance LaunchOutside(IReadOnlyDictionary<string, string> tags) => Locked(() =>
    {
        var instance = Launch(NewId("r"), ImageId, "t3.micro", SubnetA, spot: false, token: null, new QueryParameters(new Dictionary<string, string>()));
        instance.State = "running";
        foreach (var (key, value) in tags)
        {
            instance.Tags[key] = value;
        }

        return instance;
    });

    /// <summary>AWS takes a spot instance back: it is terminated with the reason EC2 gives for an interruption.</summary>
    public void InterruptSpot(string id) => Locked(() => SetState(id, "terminated", "Server.SpotInstanceTermination", "Server.SpotInstanceTermination: Spot instance termination"));

    /// <summary>Someone stops the instance outside HostFactory.</summary>
    public void StopOutside(string id) => Locked(() => SetState(id, "stopped", "Client.UserInitiatedShutdown", "Client.UserInitiatedShutdown: User initiated shutdown"));

    /// <summary>The instance vanishes: EC2 no longer knows it (InvalidInstanceID.NotFound).</summary>
    public void Vanish(string id) => Locked(() => _instances.RemoveAll(i => i.Id == id));

    /// <summary>The fault queued for <paramref name="action"/>, if any; a refused action always faults.</summary>
    public Ec2Fault? NextFault(string action) => Locked(() =>
        _refused.Contains(action)
            ? new Ec2Fault("UnauthorizedOperation", $"You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/hf is not authorized to perform: ec2:{action}. Encoded authorization failure message: {new string('x', 400)}", 403)
            : _faults.TryGetValue(action, out var queue) && queue.Count > 0 ? queue.Dequeue() : null);

    /// <summary>The answer gate queued for <paramref name="action"/>, if any.</summary>
    public TaskCompletionSource? NextHold(string action) => Locked(() => _holds.TryGetValue(action, out var queue) && queue.Count > 0 ? queue.Dequeue() : null);

    /// <summary>Runs <paramref name="work"/> under the lock: one action at a time, as the tests expect of one account.</summary>
    public T Locked<T>(Func<T> work)
    {
        lock (_lock)
        {
            return work();
        }
    }

    internal void Locked(Action work)
    {
        lock (_lock)
        {
            work();
        }
    }

    internal List<EmulatedInstance> All => _instances;

    internal (string Signature, string ReservationId)? RunToken(string token) => _runTokens.TryGetValue(token, out var seen) ? seen : null;

    internal void RememberRun(string token, string signature, string reservationId) => _runTokens[token] = (signature, reservationId);

    internal (string Signature, string Answer)? FleetToken(string token) => _fleetTokens.TryGetValue(token, out var seen) ? seen : null;

    internal void RememberFleet(string token, string signature, string answer) => _fleetTokens[token] = (signature, answer);

    internal (string Code, string Message)? FailingSpecification(string instanceType, string subnetId, string lifecycle) =>
        _failingSpecifications.Where(f => f.InstanceType == instanceType && (f.SubnetId is null || f.SubnetId == subnetId) && f.Lifecycle == lifecycle)
            .Select(f => ((string, string)?)(f.Code, f.Message)).FirstOrDefault();

    internal string NewId(string prefix) => $"{prefix}-{Interlocked.Increment(ref _nextId).ToString("x17", CultureInfo.InvariantCulture)}";

    internal EmulatedInstance Launch(string reservationId, string image, string type, string subnet, bool spot, string? token, QueryParameters run)
    {
        var number = _instances.Count + 10;
        var instance = new EmulatedInstance
        {
            Id = NewId("i"),
            ReservationId = reservationId,
            ImageId = image,
            InstanceType = type,
            SubnetId = subnet,
            AvailabilityZone = Subnets[subnet],
            PrivateIpAddress = $"10.0.{(subnet == SubnetA ? 1 : 2).ToString(CultureInfo.InvariantCulture)}.{number.ToString(CultureInfo.InvariantCulture)}",
            PublicIpAddress = $"203.0.113.{number.ToString(CultureInfo.InvariantCulture)}",
            LaunchTime = DateTime.UtcNow,
            Spot = spot,
            ClientToken = token,
            KeyName = run["KeyName"],
            UserData = run["UserData"],
            IamInstanceProfile = run["IamInstanceProfile.Arn"] ?? run["IamInstanceProfile.Name"],
            SecurityGroupIds = run.List("SecurityGroupId"),
        };
        foreach (var specification in run.Members("TagSpecification").Where(s => s["ResourceType"] == "instance"))
        {
            foreach (var tag in specification.Members("Tag"))
            {
                instance.Tags[tag["Key"]!] = tag["Value"] ?? string.Empty;
            }
        }

        _instances.Add(instance);
        return instance;
    }

    private void SetState(string id, string state, string reasonCode, string reasonMessage)
    {
        var instance = _instances.Single(i => i.Id == id);
        instance.State = state;
        instance.StateReasonCode = reasonCode;
        instance.StateReasonMessage = reasonMessage;
    }
}
