/// The ministry's emblem, embedded in every credential as a data URI (the issuer's and the
/// achievement's `image`), so that a wallet shows it without fetching anything: a roundel in the
/// colours of Mali's flag with a star, 96 × 96 SVG.
public enum MinistryEmblem {
    public static let svgBase64 =
        "PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCA5NiA5NiI+PGNpcmNsZSBjeD0iNDgiIGN5PSI0OCIgcj0iNDYiIGZpbGw9IiNmZmYiIHN0cm9rZT0iIzE0MzUxZiIgc3Ryb2tlLXdpZHRoPSIzIi8+PGNsaXBQYXRoIGlkPSJjIj48Y2lyY2xlIGN4PSI0OCIgY3k9IjQ4IiByPSIzOCIvPjwvY2xpcFBhdGg+PGcgY2xpcC1wYXRoPSJ1cmwoI2MpIj48cmVjdCB4PSIxMCIgeT0iMTAiIHdpZHRoPSIyNiIgaGVpZ2h0PSI3NiIgZmlsbD0iIzE0YjUzYSIvPjxyZWN0IHg9IjM2IiB5PSIxMCIgd2lkdGg9IjI0IiBoZWlnaHQ9Ijc2IiBmaWxsPSIjZmNkMTE2Ii8+PHJlY3QgeD0iNjAiIHk9IjEwIiB3aWR0aD0iMjYiIGhlaWdodD0iNzYiIGZpbGw9IiNjZTExMjYiLz48L2c+PGNpcmNsZSBjeD0iNDgiIGN5PSI0OCIgcj0iMzgiIGZpbGw9Im5vbmUiIHN0cm9rZT0iIzE0MzUxZiIgc3Ryb2tlLXdpZHRoPSIyIi8+PHBhdGggZD0iTTQ4IDMwbDUgMTFoMTJsLTEwIDcgNCAxMi0xMS03LTExIDcgNC0xMi0xMC03aDEyeiIgZmlsbD0iIzE0MzUxZiIvPjwvc3ZnPgo="

    public static let dataURI = "data:image/svg+xml;base64," + svgBase64
}
