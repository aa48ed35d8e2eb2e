namespace UploadProxy.Fakes.Cloudinary;

internal sealed record CloudinaryAccount(string CloudName, string ApiKey, string ApiSecret);
