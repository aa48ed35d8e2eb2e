using Microsoft.Extensions.Options;
using UploadProxy.Integrations.Cloudinary;
using UploadProxy.Integrations.Storage;

namespace UploadProxy.Tests.Unit;

public sealed class UploadSlotsTests
{
    [Fact]
    public async Task Past_the_limit_sessions_wait_and_take_turns_across_batches_in_arrival_order_within_one()
    {
        var slots = new UploadSlots(Options.Create(new CloudinaryOptions { MaxConcurrentUploads = 2 }));
        var running = new List<UploadSlots.Lease> { await slots.AcquireAsync("big", default), await slots.AcquireAsync("big", default) };
        var big1 = slots.AcquireAsync("big", default).AsTask();
        var big2 = slots.AcquireAsync("big", default).AsTask();
        var small = slots.AcquireAsync("small", default).AsTask();
        Assert.Equal((2, 3), (slots.InUse, slots.Queued));
        Assert.False(big1.IsCompleted || big2.IsCompleted || small.IsCompleted);

        running[0].Dispose();
        var first = await big1;
        // The small batch's one session goes before the big batch's next, although it came later.
        running[1].Dispose();
        var second = await small;
        Assert.False(big2.IsCompleted);
        first.Dispose();
        var third = await big2;
        Assert.Equal((2, 0), (slots.InUse, slots.Queued));

        second.Dispose();
        third.Dispose();
        third.Dispose(); // a lease is given back once
        Assert.Equal(0, slots.InUse);
    }

    [Fact]
    public async Task A_wait_given_up_leaves_the_queue_and_its_turn_goes_to_the_next()
    {
        var slots = new UploadSlots(Options.Create(new CloudinaryOptions { MaxConcurrentUploads = 1 }));
        var held = await slots.AcquireAsync(null, default);
        using var cancel = new CancellationTokenSource();
        var abandoned = slots.AcquireAsync("a", cancel.Token).AsTask();
        var next = slots.AcquireAsync("b", default).AsTask();

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        Assert.Equal(1, slots.Queued);

        held.Dispose();
        using var lease = await next;
        Assert.Equal((1, 0), (slots.InUse, slots.Queued));
    }
}
