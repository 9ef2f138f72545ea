using HostFactory.Domain.Templates;

namespace HostFactory.Configuration.Tests;

public sealed class TemplateFileTests
{
    private const string File = "templates.json";

    private static IReadOnlyList<Template> Parse(string json, IReadOnlyCollection<string>? providers = null) =>
        TemplateFile.Parse(json, File, TimeProvider.System, providers);

    private static string One(string fields) => $$"""{ "templates": [ { {{fields}} } ] }""";

    private const string Valid = """
        "templateId": "small", "maxNumber": 5, "providerName": "local",
        "attributes": { "type": ["String", "X86_64"], "ncpus": ["Numeric", "2"], "nram": ["Numeric", "2048"] }
        """;

    [Fact]
    public void Parse_WhenValid_BuildsTheTemplateAndKeepsUnknownFieldsAsRawJson()
    {
        var template = Parse(One(Valid + """, "command": ["/bin/sh", "-c", "sleep 1"], "imageId": "ami-1", "availableNumber": 3 """)).Single();

        template.Id.Value.Should().Be("small");
        template.MaxNumber.Should().Be(5);
        template.ProviderName.Should().Be("local");
        template.Attributes.Should().Be(new TemplateAttributes("X86_64", 2048, 2));
        template.ProviderSettings.Values.Should().BeEquivalentTo(new Dictionary<string, string?>
        {
            ["command"] = """["/bin/sh","-c","sleep 1"]""",
            ["imageId"] = "\"ami-1\"",
        });
    }

    [Fact]
    public void Parse_WhenOptionalFieldsAreGiven_AppliesThem()
    {
        var template = Parse(One(Valid + """
            , "enabled": false, "requestTimeoutSeconds": 90,
            "attributes": { "type": ["String", "X86_64"], "ncpus": ["Numeric", "1"], "ncores": ["Numeric", "4"], "nram": ["Numeric", "512"],
                            "rank": ["Numeric", "3"], "priceInfo": ["String", "cheap"], "zone": ["String", "eu-1"] }
            """)).Single();

        template.Enabled.Should().BeFalse();
        template.RequestTimeout.Should().Be(TimeSpan.FromSeconds(90));
        template.Attributes.Should().Be(new TemplateAttributes("X86_64", 512, 1, 4, 3, "cheap", [new TemplateAttribute("zone", AttributeKind.String, "eu-1")]));
    }

    [Fact]
    public void Parse_WhenMandatoryFieldsAreMissing_ListsEachWithTheTemplate()
    {
        var act = () => Parse(One(""" "templateId": "small", "attributes": { "type": ["String", "X86_64"] } """));

        act.Should().Throw<TemplateFileException>()
            .Which.Problems.Should().Equal(
                "template 'small' (templates[0]): field 'maxNumber' is required.",
                "template 'small' (templates[0]): field 'providerName' is required.",
                "template 'small' (templates[0]): field 'attributes.ncpus' is required.",
                "template 'small' (templates[0]): field 'attributes.nram' is required.");
    }

    [Fact]
    public void Parse_WhenAnAttributeIsNotAPair_NamesFileTemplateAndField()
    {
        var act = () => Parse(One(Valid.Replace("""["Numeric", "2"]""", "2", StringComparison.Ordinal)));

        act.Should().Throw<TemplateFileException>()
            .WithMessage("""templates.json: template 'small' (templates[0]): field 'attributes.ncpus' must be ["String", "value"] or ["Numeric", "value"], was 2.""");
    }

    [Fact]
    public void Parse_WhenTheProviderIsNotConfigured_SaysWhichAreConfigured()
    {
        var act = () => Parse(One(Valid), ["pool", "cloud"]);

        act.Should().Throw<TemplateFileException>()
            .WithMessage("templates.json: template 'small' (templates[0]): field 'providerName' names 'local', which is not a configured provider instance (configured: pool, cloud).");
    }

    [Fact]
    public void Parse_WhenADomainRuleIsBroken_ReportsTheRule()
    {
        var act = () => Parse(One(Valid.Replace("\"maxNumber\": 5", "\"maxNumber\": 20000", StringComparison.Ordinal)));

        act.Should().Throw<TemplateFileException>().WithMessage("templates.json: template 'small' (templates[0]): maxNumber must be -1 (unlimited) or between 0 and 10000, was 20000.");
    }

    [Fact]
    public void Parse_WhenIdsRepeatOrAreInvalid_ReportsEach()
    {
        var json = $$"""{ "templates": [ { {{Valid}} }, { {{Valid}} }, { {{Valid.Replace("small", "bad id!", StringComparison.Ordinal)}} } ] }""";

        var act = () => Parse(json);

        act.Should().Throw<TemplateFileException>()
            .Which.Problems.Should().Equal(
                "template 'small' (templates[1]): templateId 'small' is used by an earlier template; ids must be unique.",
                "templates[2]: field 'templateId' 'bad id!' is not a valid template id: 1 to 64 characters of 0-9 A-Z a-z - _.");
    }

    [Fact]
    public void Parse_WhenNotJson_NamesTheFile()
    {
        var act = () => Parse("{ \"templates\": [ ");

        act.Should().Throw<TemplateFileException>().WithMessage("templates.json: is not valid JSON: *");
    }

    [Fact]
    public void Load_WhenTheShippedQuickStartFileIsRead_EveryTemplateIsValid()
    {
        var templates = TemplateFile.Load(Path.Combine(AppContext.BaseDirectory, "config", "templates.json"), TimeProvider.System, ["local", "pool", "cloud"]);

        templates.Select(t => t.Id.Value).Should().Contain(["local-agent", "local-sleeper", "pool-rack-a", "cloud-small"]);
        templates.Where(t => t.ProviderName == "local").Should().OnlyContain(t => t.MaxNumber == 10 && t.ProviderSettings.Values.ContainsKey("command"));
    }
}
