namespace KazGrpc.Models;

/// <summary>Where a model is in its life.</summary>
public enum ModelState
{
    /// <summary>Being loaded or warmed up.</summary>
    Loading = 1,

    /// <summary>Serving.</summary>
    Ready = 2,

    /// <summary>Could not be loaded, or its last execution failed and warm-up has not passed since.</summary>
    Failed = 3,
}
