using Microsoft.Extensions.Logging;
using UploadProxy.Grains.Diagnostics;
using UploadProxy.Integrations.Webhooks;

namespace UploadProxy.Grains.Webhooks;

/// <summary>
/// Delivers a grain's owed events, in order per endpoint, endpoints side by side so that a dead one holds up no
/// other; runs beside the grain's own work, which it never waits for nor slows. After each round of attempts the
/// ledger is saved: an event leaves it only once delivered (2xx), refused for good (410) or older than
/// <c>Webhooks:MaxAge</c>; anything else is attempted again after a jittered, doubling wait. A crash loses nothing:
/// the ledger is read back with the grain, whose reminder brings it back, and an event whose answer was lost is
/// simply sent again with the same <c>webhook-id</c>.
/// </summary>
internal sealed partial class WebhookOutbox(IWebhookOwner owner, WebhookServices services, IGrainFactory grains)
{
    private Task _running = Task.CompletedTask;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ILogger Logger => services.Logger;

    /// <summary>Starts delivering if events are owed, or wakes the delivery up to look at a newly raised event.</summary>
    public void Kick(CancellationToken stopping)
    {
        if (owner.Ledger is not { Owed.Count: > 0 })
        {
            return;
        }

        if (_running.IsCompleted)
        {
            _running = RunAsync(stopping);
        }
        else
        {
            _wake.TrySetResult();
        }
    }

    public Task Running => _running;

    private async Task RunAsync(CancellationToken stopping)
    {
        var time = services.TimeProvider;
        try
        {
            while (!stopping.IsCancellationRequested && owner.Ledger is { Owed.Count: > 0 } ledger)
            {
                WebhookBacklog.Set(owner.WebhookOwnerKey, ledger.OldestRaisedAt());
                var now = time.GetUtcNow();
                var due = ledger.Due(now).ToList();
                if (due.Count == 0)
                {
                    _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    var wait = ledger.NextAttemptAt()!.Value - now;
                    await Task.WhenAny(Task.Delay(wait, time, stopping), _wake.Task);
                    continue;
                }

                var attempts = await Task.WhenAll(due.Select(async owed => (Owed: owed, Attempt: await services.Sender.SendAsync(new WebhookMessage(owed.Id, owed.Url, owed.Body), stopping))));
                var settledAt = time.GetUtcNow();
                var next = owner.Ledger!;
                foreach (var (owed, attempt) in attempts)
                {
                    next = Apply(next, owed, attempt, settledAt);
                }

                await owner.SaveLedgerAsync(next);
            }

            WebhookBacklog.Set(owner.WebhookOwnerKey, null);
            if (!stopping.IsCancellationRequested)
            {
                await owner.LedgerSettledAsync();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Handed over: the saved ledger says what is still owed; the next activation delivers it.
            WebhookBacklog.Set(owner.WebhookOwnerKey, null);
        }
        catch (Exception ex)
        {
            // Most likely the state store: what is saved is right, and the reminder brings the grain back to go on.
            WebhookBacklog.Set(owner.WebhookOwnerKey, null);
            LogDeliveryInterrupted(ex, owner.WebhookOwnerKey);
        }
    }

    private WebhookLedger Apply(WebhookLedger ledger, OwedWebhook owed, WebhookAttempt attempt, DateTimeOffset now)
    {
        var endpoint = WebhookFailurePolicy.Describe(owed.Url);
        var options = services.Options;
        string outcome;
        WebhookLedger next;
        switch (attempt.Outcome)
        {
            case WebhookAttemptOutcome.Delivered:
                (outcome, next) = ("delivered", ledger.Sent(owed));
                break;
            case WebhookAttemptOutcome.Gone:
                (outcome, next) = ("gone", ledger.EndpointGone(owed.Url, attempt.Error!));
                LogEndpointGone(owner.WebhookOwnerKey, endpoint);
                break;
            case var _ when now - owed.RaisedAt >= options.MaxAge:
                var error = $"{attempt.Error} Given up {options.MaxAge} after the event was raised.";
                (outcome, next) = ("given_up", ledger.GivenUp(owed, error));
                LogGivenUp(owed.Id, owed.Type, endpoint, owed.Attempts + 1, attempt.Error);
                break;
            default:
                var delay = options.RetryDelay(owed.Attempts + 1);
                (outcome, next) = ("retried", ledger.Retried(owed, attempt.Error!, now + delay));
                LogRetrying(owed.Id, owed.Type, endpoint, attempt.Error, delay);
                break;
        }

        UploadProxyMetrics.WebhookDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        grains.GetGrain<IWebhookEndpointsGrain>(0).ReportAsync(new WebhookEndpointReport(endpoint, attempt.Outcome == WebhookAttemptOutcome.Delivered, attempt.Error, now)).Ignore();
        return next;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook {EventId} ({Type}) to {Endpoint} failed: {Error}; attempted again in {Delay}")]
    private partial void LogRetrying(string eventId, string type, string endpoint, string? error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {EventId} ({Type}) to {Endpoint} given up after {Attempts} attempts: {Error}")]
    private partial void LogGivenUp(string eventId, string type, string endpoint, int attempts, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Owner}: webhook endpoint {Endpoint} answered 410 Gone; its events are no longer sent")]
    private partial void LogEndpointGone(string owner, string endpoint);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Owner}: webhook delivery interrupted; the grain's reminder resumes it")]
    private partial void LogDeliveryInterrupted(Exception exception, string owner);
}
