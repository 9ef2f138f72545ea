using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Application.Common;

/// <summary>The input checks the messages' <see cref="IValidatable.Validate"/> methods share.</summary>
internal static class InputRules
{
    /// <summary>The most machines one call may name or ask for: the protocol's largest <c>maxNumber</c>.</summary>
    public const int MaxMachinesPerCall = Template.MaxNumberLimit;

    /// <summary>The most request ids one call may name.</summary>
    public const int MaxRequestIdsPerCall = 10_000;

    /// <summary>The largest page a listing may ask for (the read ports' limit).</summary>
    public const int MaxPageSize = 1000;

    /// <summary>The longest free text (a cancel reason) accepted.</summary>
    public const int MaxTextLength = 1000;

    public static IEnumerable<ValidationError> TemplateId(string member, string? value, bool required = true)
    {
        if (value is null && !required)
        {
            yield break;
        }

        if (!Domain.Templates.TemplateId.TryCreate(value, out _, out var error))
        {
            yield return new ValidationError(member, error);
        }
    }

    public static IEnumerable<ValidationError> RequestId(string member, string? value, RequestKind? kind = null)
    {
        if (!Domain.Requests.RequestId.TryParse(value, out var id))
        {
            yield return new ValidationError(member, $"'{value}' is not a request id ('req-' or 'ret-' followed by a lowercase UUID).");
        }
        else if (kind is { } expected && id.Kind != expected)
        {
            yield return new ValidationError(member, $"'{value}' is not a{(expected == RequestKind.Acquire ? "n acquire ('req-')" : " return ('ret-')")} request id.");
        }
    }

    public static IEnumerable<ValidationError> MachineId(string member, string? value)
    {
        if (!Domain.Machines.MachineId.TryParse(value, out _))
        {
            yield return new ValidationError(member, $"'{value}' is not a machine id ('m-' followed by a lowercase UUID).");
        }
    }

    public static IEnumerable<ValidationError> List<T>(string member, IReadOnlyList<T>? list, int max, bool required)
    {
        if (list is null || list.Count == 0)
        {
            if (required)
            {
                yield return new ValidationError(member, "at least one entry is required.");
            }

            yield break;
        }

        if (list.Count > max)
        {
            yield return new ValidationError(member, $"at most {max} entries are accepted, got {list.Count}.");
        }
    }

    public static IEnumerable<ValidationError> Paging(int offset, int limit)
    {
        if (offset < 0)
        {
            yield return new ValidationError("Offset", $"must be 0 or more, was {offset}.");
        }

        if (limit is < 1 or > MaxPageSize)
        {
            yield return new ValidationError("Limit", $"must be between 1 and {MaxPageSize}, was {limit}.");
        }
    }

    public static IEnumerable<ValidationError> Defined<TEnum>(string member, TEnum? value)
        where TEnum : struct, Enum
    {
        if (value is { } given && !Enum.IsDefined(given))
        {
            yield return new ValidationError(member, $"{given} is not a defined {typeof(TEnum).Name}.");
        }
    }
}
