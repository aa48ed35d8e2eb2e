using System.ComponentModel.DataAnnotations;
using UploadProxy.Fakes.Webhooks;
using UploadProxy.Grains.Webhooks;
using UploadProxy.Integrations.Webhooks;

namespace UploadProxy.Tests.Unit;

public sealed class WebhookOptionsTests
{
    [Theory]
    [InlineData("not-a-secret")]
    [InlineData("whsec_not base64")]
    [InlineData("whsec_c2hvcnQ=")] // 5 bytes: Standard Webhooks asks for 24 to 64
    public void An_endpoint_with_a_malformed_secret_is_refused_naming_the_entry(string secret)
    {
        var options = new WebhookOptions { Endpoints = [new WebhookEndpointOptions { Url = new Uri("https://hooks.example.com/in"), Secret = secret }] };

        var error = Assert.Single(Validate(options));
        Assert.Contains("Webhooks:Endpoints:0", error, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_event_name_and_allowed_hosts_without_a_secret_are_refused()
    {
        var options = new WebhookOptions
        {
            Secret = FakeWebhookReceiver.NewSecret(),
            Endpoints = [new WebhookEndpointOptions { Url = new Uri("https://hooks.example.com/in"), Events = ["session.stored"] }],
        };
        Assert.Contains("session.stored", Assert.Single(Validate(options)), StringComparison.Ordinal);

        Assert.Contains("AllowedHosts", Assert.Single(Validate(new WebhookOptions { AllowedHosts = ["hooks.example.com"] })), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://hooks.example.com/in", true)]
    [InlineData("https://a.pipelines.example.com/in", true)]
    [InlineData("https://pipelines.example.com.evil.test/in", false)]
    [InlineData("https://evilhooks.example.com/in", false)]
    [InlineData("https://user:pass@hooks.example.com/in", false)]
    [InlineData("ftp://hooks.example.com/in", false)]
    public void A_sessions_webhook_url_is_allowed_only_on_a_listed_host(string url, bool allowed)
    {
        var options = new WebhookOptions { AllowedHosts = ["hooks.example.com", "*.pipelines.example.com"] };

        Assert.Equal(allowed, options.AllowsSessionUrl(new Uri(url)));
    }

    [Fact]
    public void An_endpoints_events_wait_for_its_earlier_ones_while_another_endpoint_goes_on()
    {
        var now = DateTimeOffset.UnixEpoch;
        var ledger = new WebhookLedger()
            .Raise("s1", WebhookEventTypes.SessionUploaded, "{}", ["https://a.example/", "https://b.example/"], now)
            .Raise("s1", WebhookEventTypes.SessionLinked, "{}", ["https://a.example/", "https://b.example/"], now);
        var firstToA = ledger.Owed[0];
        ledger = ledger.Retried(firstToA, "500", now.AddMinutes(1));
        ledger = ledger.Sent(ledger.Owed.Single(o => o.Url == "https://b.example/" && o.Type == WebhookEventTypes.SessionUploaded));

        // a's uploaded event waits for its retry, and its linked event waits behind it; b moves on to linked.
        var due = Assert.Single(ledger.Due(now));
        Assert.Equal(("https://b.example/", WebhookEventTypes.SessionLinked), (due.Url, due.Type));
        Assert.Equal(new UploadProxy.Grains.WebhookCounts(1, 3, 0, "500"), ledger.Counts());
        Assert.Equal("evt_s1_2", due.Id);

        // With b done, nothing is due before a's retry.
        ledger = ledger.Sent(due);
        Assert.Empty(ledger.Due(now));
        Assert.Equal(now.AddMinutes(1), ledger.NextAttemptAt());
    }

    private static List<string> Validate(WebhookOptions options) =>
        [.. options.Validate(new ValidationContext(options)).Select(r => r.ErrorMessage!)];
}
