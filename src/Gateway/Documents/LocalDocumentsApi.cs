using Microsoft.Extensions.FileProviders;
using UploadProxy.Integrations.Storage;

namespace UploadProxy.Gateway.Documents;

/// <summary>Serves documents kept by local storage at the URLs the sessions report.</summary>
internal static class LocalDocumentsApi
{
    public static WebApplication MapLocalDocuments(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IDocumentStore>() is LocalDocumentStore local)
        {
            Directory.CreateDirectory(local.Root);
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = new PhysicalFileProvider(local.Root),
                RequestPath = LocalDocumentStore.UrlPrefix,
                ServeUnknownFileTypes = false,
            });
        }

        return app;
    }
}
