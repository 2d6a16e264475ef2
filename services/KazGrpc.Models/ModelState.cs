namespace KazGrpc.Models;

/// <summary>Where a model is in its life.</summary>
public enum ModelState
{
    /// <summary>Being loaded or warmed up.</summary>
    Loading = 1,

    /// <summary>Serving.</summary>
    Ready = 2,

    /// <summary>Could not be loaded, or its warm-up failed (a loaded model is warmed again until it passes).</summary>
    Failed = 3,
}
