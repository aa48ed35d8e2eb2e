using UploadProxy.Integrations.Cloudinary;

namespace UploadProxy.Tests.Unit;

public sealed class CloudinarySignatureTests
{
    // Cloudinary's published example: https://cloudinary.com/documentation/authentication_signatures
    private static readonly Dictionary<string, string> PublishedParameters = new()
    {
        ["timestamp"] = "1315060510",
        ["public_id"] = "sample_image",
        ["eager"] = "w_400,h_300,c_pad|w_260,h_200,c_crop",
    };

    [Fact]
    public void The_string_to_sign_sorts_the_parameters_and_leaves_out_file_api_key_and_resource_type()
    {
        var parameters = new Dictionary<string, string>(PublishedParameters)
        {
            ["file"] = "ignored",
            ["api_key"] = "ignored",
            ["resource_type"] = "raw",
            ["cloud_name"] = "demo",
            ["tags"] = "",
        };

        Assert.Equal("eager=w_400,h_300,c_pad|w_260,h_200,c_crop&public_id=sample_image&timestamp=1315060510",
            CloudinarySignature.StringToSign(parameters));
    }

    [Fact]
    public void The_sha1_signature_matches_cloudinarys_published_example()
    {
        Assert.Equal("bfd09f95f331f558cbd1320e67aa8d488770583e", CloudinarySignature.Sign(PublishedParameters, "abcd", "sha1"));
    }

    [Fact]
    public void The_sha256_signature_matches_cloudinarys_published_example()
    {
        Assert.Equal("cc927e1290f9e3ae4c1a741eda21a4630b4ce80f9ce0bc0296337d25cf40f91e", CloudinarySignature.Sign(PublishedParameters, "abcd", "sha256"));
    }
}
