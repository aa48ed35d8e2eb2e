using Orleans.Configuration;

namespace UploadProxy.Hosting;

/// <summary>
/// The product's failure detection. Orleans' defaults suit large clusters that must never evict a slow silo; here a
/// silo killed without a word must be declared dead, and its sessions resume on the survivors, within about 20 s.
/// Each value is a default only: <c>Cluster:Membership:*</c> (silos) and <c>Cluster:Client:*</c> (gateways of a cluster)
/// override it. Left at Orleans' values on purpose: <c>NumVotesForDeathDeclaration</c> (2; Orleans asks at most a
/// majority of the live silos, so in a 2-silo cluster the survivor's one vote is enough), <c>DeathVoteExpirationTimeout</c>
/// (2 min, far longer than detection takes) and the response timeout (30 s), which the long <c>send</c> accept needs; the
/// gateway bounds its short calls itself (<c>Gateway:GrainCallTimeout</c>).
/// </summary>
internal static class FailureDetectionDefaults
{
    public static void Apply(ClusterMembershipOptions membership)
    {
        // A probe every 2 s instead of 5: with 3 missed probes (Orleans' NumMissedProbesLimit) a dead silo is suspected
        // after about 6 s instead of 15. Orleans still stretches the probe timeout (up to 4x) while the prober itself is
        // slow, and counts live connection traffic as an answer, so a busy silo is not evicted for a GC pause.
        membership.ProbeTimeout = TimeSpan.FromSeconds(2);

        // Heartbeats in the table every 10 s instead of 30: a silent silo's entry turns stale after 20 s (two misses),
        // and stale silos no longer count towards the votes needed to evict, so a small cluster evicts sooner.
        membership.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);

        // Each silo reads the table every 10 s instead of 60: one that missed the gossip of a death learns it from the
        // table well inside the 20 s target, instead of sending to the dead silo for a minute.
        membership.TableRefreshTimeout = TimeSpan.FromSeconds(10);
    }

    public static void Apply(GatewayOptions gateways)
    {
        // A gateway of the cluster (an Orleans client) reads the list of live silos every 10 s instead of 60, so it stops
        // choosing a dead silo as its entry point, and starts using a new one, within the same 20 s.
        gateways.GatewayListRefreshPeriod = TimeSpan.FromSeconds(10);
    }
}
