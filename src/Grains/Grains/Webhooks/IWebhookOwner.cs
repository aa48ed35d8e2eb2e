namespace UploadProxy.Grains.Webhooks;

/// <summary>A grain that owes webhook events: it holds the ledger in its state and saves it with its own writes.</summary>
internal interface IWebhookOwner
{
    /// <summary>The grain's key, unique among owners: the events' ids and the backlog metric use it.</summary>
    string WebhookOwnerKey { get; }

    WebhookLedger? Ledger { get; }

    /// <summary>Sets and durably saves the ledger, after any write in flight.</summary>
    Task SaveLedgerAsync(WebhookLedger ledger);

    /// <summary>Called once every owed event has been delivered or given up and saved.</summary>
    Task LedgerSettledAsync();
}
