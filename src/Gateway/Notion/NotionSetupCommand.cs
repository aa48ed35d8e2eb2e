using UploadProxy.Integrations.Notion;

namespace UploadProxy.Gateway.Notion;

/// <summary><c>UploadProxy.Gateway notion-setup</c>: adds the properties the product writes that the database lacks.</summary>
internal static class NotionSetupCommand
{
    public const string Name = "notion-setup";

    public static async Task<int> RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var check = services.GetRequiredService<NotionSchemaCheck>();
        try
        {
            var (missing, wrongType) = await check.CompareAsync(cancellationToken);
            if (missing.Count > 0)
            {
                await services.GetRequiredService<NotionClient>().AddPropertiesAsync(missing, cancellationToken);
                Console.WriteLine($"Added: {string.Join(", ", missing.Select(p => $"{p.Key} ({p.Value})"))}");
            }
            else
            {
                Console.WriteLine("Nothing to add: the database has every property the product writes.");
            }

            foreach (var problem in wrongType)
            {
                Console.Error.WriteLine($"Left as it is: {problem}. Change it in Notion, or point Notion:Properties at another property.");
            }

            return wrongType.Count == 0 ? 0 : 1;
        }
        catch (NotionException ex)
        {
            Console.Error.WriteLine($"Notion refused ({ex.Code}): {ex.Message}");
            return 2;
        }
    }
}
