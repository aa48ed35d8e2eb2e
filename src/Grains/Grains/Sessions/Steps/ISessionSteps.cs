namespace UploadProxy.Grains.Sessions.Steps;

/// <summary>The session as a step sees it: its state, and the one way to change it.</summary>
public interface IStepSession
{
    string Id { get; }

    UploadSessionState State { get; }

    /// <summary>Saves the next state, then deletes the staged bytes it no longer needs; returns once both are done.</summary>
    Task TransitionAsync(UploadSessionState next);
}

/// <summary>How one run of a step ended.</summary>
public enum StepOutcome
{
    /// <summary>The session moved on (or ended); its next step can run at once.</summary>
    Progressed,

    /// <summary>Nothing moved, for a reason that may pass: the session waits (backing off) and runs the step again.</summary>
    FailedTransiently,
}
