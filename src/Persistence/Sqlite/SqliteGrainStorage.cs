using System.Globalization;
using Orleans.Storage;

namespace UploadProxy.Persistence.Sqlite;

/// <summary>Grain state in the embedded SQLite database, with the ETag checks Orleans' own providers make.</summary>
public sealed class SqliteGrainStorage(SqliteDatabase database, IGrainStorageSerializer serializer) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT etag, payload FROM grain_state WHERE state_name = $name AND grain_id = $id";
        command.Parameters.AddWithValue("$name", stateName);
        command.Parameters.AddWithValue("$id", grainId.ToString());
        await using var reader = await command.ExecuteReaderAsync();
        if (await reader.ReadAsync())
        {
            grainState.ETag = reader.GetInt64(0).ToString(CultureInfo.InvariantCulture);
            grainState.State = serializer.Deserialize<T>(new BinaryData((byte[])reader.GetValue(1)));
            grainState.RecordExists = true;
        }
        else
        {
            grainState.ETag = null;
            grainState.State = Activator.CreateInstance<T>();
            grainState.RecordExists = false;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = serializer.Serialize(grainState.State).ToArray();
        var expected = grainState.ETag is null ? 0 : long.Parse(grainState.ETag, CultureInfo.InvariantCulture);
        var id = grainId.ToString();
        var written = await database.WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = expected == 0
                ? "INSERT INTO grain_state (state_name, grain_id, etag, payload) VALUES ($name, $id, 1, $payload) ON CONFLICT DO NOTHING"
                : "UPDATE grain_state SET etag = etag + 1, payload = $payload WHERE state_name = $name AND grain_id = $id AND etag = $etag";
            command.Parameters.AddWithValue("$name", stateName);
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$payload", payload);
            command.Parameters.AddWithValue("$etag", expected);
            return command.ExecuteNonQuery();
        });
        if (written != 1)
        {
            throw new InconsistentStateException(
                $"The stored state of {grainId} changed since it was read (expected version {expected}).",
                storedEtag: "unknown", currentEtag: grainState.ETag ?? "none");
        }

        grainState.ETag = (expected + 1).ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var id = grainId.ToString();
        await database.WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM grain_state WHERE state_name = $name AND grain_id = $id";
            command.Parameters.AddWithValue("$name", stateName);
            command.Parameters.AddWithValue("$id", id);
            return command.ExecuteNonQuery();
        });
        grainState.ETag = null;
        grainState.State = Activator.CreateInstance<T>();
        grainState.RecordExists = false;
    }
}
