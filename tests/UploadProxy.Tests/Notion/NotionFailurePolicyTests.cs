using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.Timeout;
using UploadProxy.Grains.RateGate;
using UploadProxy.Integrations.Notion;

namespace UploadProxy.Tests.Notion;

public sealed class NotionFailurePolicyTests
{
    private static readonly Uri Pages = new("https://api.notion.com/v1/pages");
    private static readonly Uri Query = new("https://api.notion.com/v1/databases/d/query");

    [Theory]
    [InlineData(429, true, NotionFailure.Transient)]
    [InlineData(529, true, NotionFailure.Transient)]
    [InlineData(429, false, NotionFailure.Transient)]
    [InlineData(500, false, NotionFailure.Transient)]
    [InlineData(503, false, NotionFailure.Transient)]
    [InlineData(0, false, NotionFailure.Transient)]
    [InlineData(409, false, NotionFailure.Transient)]
    [InlineData(500, true, NotionFailure.OutcomeUnknown)]
    [InlineData(504, true, NotionFailure.OutcomeUnknown)]
    [InlineData(0, true, NotionFailure.OutcomeUnknown)]
    [InlineData(408, true, NotionFailure.OutcomeUnknown)]
    [InlineData(409, true, NotionFailure.OutcomeUnknown)]
    [InlineData(400, true, NotionFailure.Final)]
    [InlineData(400, false, NotionFailure.Final)]
    [InlineData(401, false, NotionFailure.Final)]
    [InlineData(404, true, NotionFailure.Final)]
    public void Each_answer_is_transient_unknown_or_final(int status, bool isCreate, NotionFailure expected) =>
        Assert.Equal(expected, NotionFailurePolicy.Classify(status, isCreate));

    [Fact]
    public void The_transport_retries_a_create_only_when_notion_surely_did_nothing()
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, Pages);
        using var query = new HttpRequestMessage(HttpMethod.Post, Query);

        Assert.True(NotionFailurePolicy.ShouldRetry(Answer(HttpStatusCode.TooManyRequests), create));
        Assert.True(NotionFailurePolicy.ShouldRetry(Answer((HttpStatusCode)529), create));
        Assert.False(NotionFailurePolicy.ShouldRetry(Answer(HttpStatusCode.Conflict), create));
        Assert.False(NotionFailurePolicy.ShouldRetry(Answer(HttpStatusCode.BadGateway), create));
        Assert.False(NotionFailurePolicy.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException()), create));
        Assert.False(NotionFailurePolicy.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new HttpRequestException("reset")), create));
        Assert.True(NotionFailurePolicy.ShouldRetry(Answer(HttpStatusCode.BadGateway), query));
        Assert.True(NotionFailurePolicy.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new HttpRequestException("reset")), query));
        Assert.False(NotionFailurePolicy.ShouldRetry(Answer(HttpStatusCode.BadRequest), query));
        Assert.False(NotionFailurePolicy.ShouldRetry(Answer(HttpStatusCode.OK), query));
    }

    [Fact]
    public void A_429_or_529_holds_for_its_retry_after_in_seconds_or_as_a_date()
    {
        var now = new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);
        using var seconds = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new(TimeSpan.FromSeconds(75)) } };
        using var date = new HttpResponseMessage((HttpStatusCode)529) { Headers = { RetryAfter = new(now.AddSeconds(5)) } };
        using var bare = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        using var other = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Headers = { RetryAfter = new(TimeSpan.FromSeconds(9)) } };

        Assert.Equal(TimeSpan.FromSeconds(75), NotionFailurePolicy.HoldFor(seconds, now, TimeSpan.FromSeconds(1)));
        Assert.Equal(TimeSpan.FromSeconds(5), NotionFailurePolicy.HoldFor(date, now, TimeSpan.FromSeconds(1)));
        Assert.Equal(TimeSpan.FromSeconds(1), NotionFailurePolicy.HoldFor(bare, now, TimeSpan.FromSeconds(1)));
        Assert.Null(NotionFailurePolicy.HoldFor(other, now, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task A_hold_moves_every_slot_inside_it_past_its_end_and_keeps_the_spacing()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero));
        var gate = new NotionRateGateGrain(Options.Create(new NotionOptions { RequestsPerSecond = 2 }), time);
        var start = time.GetUtcNow();
        var first = await gate.ReserveAsync();
        var second = await gate.ReserveAsync();

        await gate.HoldUntilAsync(start.AddSeconds(5));
        var confirmedFirst = await gate.ConfirmAsync(first);
        time.Advance(TimeSpan.FromSeconds(0.5));
        var movedSecond = await gate.ConfirmAsync(second);
        var third = await gate.ReserveAsync();

        Assert.Equal(start, first);
        Assert.Equal(start.AddSeconds(0.5), second);
        Assert.Equal(start.AddSeconds(5), confirmedFirst);
        Assert.Equal(start.AddSeconds(5.5), movedSecond);
        Assert.Equal(start.AddSeconds(6), third);
        Assert.Null(await gate.ConfirmAsync(third));
    }

    private static Outcome<HttpResponseMessage> Answer(HttpStatusCode status) => Outcome.FromResult(new HttpResponseMessage(status));
}
