using Amazon.EC2.Model;
using HostFactory.Providers.Abstractions;
using GetParameterRequest = Amazon.SimpleSystemsManagement.Model.GetParameterRequest;

namespace HostFactory.Providers.Aws;

/// <summary>
/// The checks of a template that need AWS: its image exists (after resolving a parameter), and so do its subnets and
/// security groups. Without credentials nothing is checked, and the answer says so; a check AWS refuses or fails is a
/// problem naming the action and AWS's code.
/// </summary>
internal static class Ec2TemplateChecks
{
    /// <summary>What AWS says is wrong with <paramref name="template"/>'s image, subnets and security groups.</summary>
    public static async Task<IReadOnlyList<string>> CheckAsync(AwsTemplate template, Ec2Clients clients, string region, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        try
        {
            _ = clients.Ec2;
        }
        catch (MachineProviderException exception)
        {
            return [$"Template '{template.TemplateId}': its imageId, subnets and security groups were not checked against AWS: {exception.Message}"];
        }

        await CheckImageAsync(template, clients, region, problems, cancellationToken);
        await CheckAllExistAsync(template, template.SubnetField, "ec2:DescribeSubnets", template.SubnetIds, region, problems, async ids =>
            ((await clients.Ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [new Filter("subnet-id", [.. ids])] }, cancellationToken)).Subnets ?? [])
                .Select(static s => s.SubnetId), cancellationToken);
        await CheckAllExistAsync(template, "securityGroupIds", "ec2:DescribeSecurityGroups", template.SecurityGroupIds, region, problems, async ids =>
            ((await clients.Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [new Filter("group-id", [.. ids])] }, cancellationToken)).SecurityGroups ?? [])
                .Select(static g => g.GroupId), cancellationToken);
        return problems;
    }

    private static async Task CheckImageAsync(AwsTemplate template, Ec2Clients clients, string region, List<string> problems, CancellationToken cancellationToken)
    {
        var image = template.ImageId;
        if (template.ImageParameter is { } parameter)
        {
            image = await AskAsync<string>(template, "imageId", problems, () => Ec2Errors.CallAsync(
                "ssm:GetParameter", async () => (await clients.Ssm.GetParameterAsync(new GetParameterRequest { Name = parameter }, cancellationToken)).Parameter?.Value, cancellationToken));
            if (image is not null && !image.StartsWith("ami-", StringComparison.Ordinal))
            {
                problems.Add(new ProviderSettingException(template.TemplateId, "imageId", $"names parameter '{parameter}', which holds '{image}', not an AMI id").Message);
                return;
            }
        }

        if (image is null)
        {
            return;
        }

        await CheckAllExistAsync(template, "imageId", "ec2:DescribeImages", [image], region, problems, async ids =>
            ((await clients.Ec2.DescribeImagesAsync(new DescribeImagesRequest { Filters = [new Filter("image-id", [.. ids])] }, cancellationToken)).Images ?? [])
                .Select(static i => i.ImageId), cancellationToken);
    }

    private static async Task CheckAllExistAsync(
        AwsTemplate template,
        string field,
        string action,
        IReadOnlyList<string> ids,
        string region,
        List<string> problems,
        Func<IReadOnlyList<string>, Task<IEnumerable<string>>> find,
        CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return;
        }

        var found = await AskAsync<HashSet<string>>(template, field, problems, async () => await Ec2Errors.CallAsync(action, async () => (await find(ids)).ToHashSet(StringComparer.Ordinal), cancellationToken));
        foreach (var missing in ids.Where(id => found is not null && !found.Contains(id)))
        {
            problems.Add(new ProviderSettingException(template.TemplateId, field, $"names {missing}, which does not exist in {region} (or is not visible to these credentials)").Message);
        }
    }

    private static async Task<T?> AskAsync<T>(AwsTemplate template, string field, List<string> problems, Func<Task<T?>> ask)
        where T : class
    {
        try
        {
            return await ask();
        }
        catch (MachineProviderException exception)
        {
            problems.Add(new ProviderSettingException(template.TemplateId, field, $"could not be checked: {exception.Message}").Message.TrimEnd('.') + ".");
            return null;
        }
    }
}
