namespace UploadProxy.Fakes.Cloudinary;

/// <param name="SignatureAlgorithm">The account's setting at Cloudinary (<c>sha1</c> unless changed): requests never choose it.</param>
internal sealed record CloudinaryAccount(string CloudName, string ApiKey, string ApiSecret, string SignatureAlgorithm);
