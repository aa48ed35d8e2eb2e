namespace UploadProxy.Grains.Sessions.Steps;

/// <summary>The steps a session runs, as one dependency of the grain.</summary>
public sealed record SessionSteps(StoreStep Store, InspectStep Inspect, LinkStep Link);
