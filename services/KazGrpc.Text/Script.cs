namespace KazGrpc.Text;

/// <summary>The two alphabets Kazakh is written in.</summary>
public enum Script
{
    /// <summary>The Cyrillic alphabet of 42 letters, in which most Kazakh text (and most models' training text) is written.</summary>
    Cyrillic,

    /// <summary>The official Latin alphabet of January 2021, 31 letters.</summary>
    Latin,
}
