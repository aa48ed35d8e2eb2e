using System.Globalization;
using Microsoft.Data.Sqlite;

namespace UploadProxy.Persistence.Sqlite;

/// <summary>Orleans reminders in the embedded SQLite database, so that pending work resumes after a restart.</summary>
public sealed class SqliteReminderTable(SqliteDatabase database) : IReminderTable
{
    private const string Columns = "grain_id, reminder_name, start_at, period_ms, etag";

    public Task Init() => Task.CompletedTask;

    public Task<ReminderTableData> ReadRows(GrainId grainId) =>
        QueryAsync($"SELECT {Columns} FROM reminders WHERE grain_id = $id", c => c.Parameters.AddWithValue("$id", grainId.ToString()));

    public Task<ReminderTableData> ReadRows(uint begin, uint end) =>
        // The range (begin, end] wraps around the ring when begin >= end.
        QueryAsync(
            begin < end
                ? $"SELECT {Columns} FROM reminders WHERE grain_hash > $begin AND grain_hash <= $end"
                : $"SELECT {Columns} FROM reminders WHERE grain_hash > $begin OR grain_hash <= $end",
            c =>
            {
                c.Parameters.AddWithValue("$begin", (long)begin);
                c.Parameters.AddWithValue("$end", (long)end);
            });

    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName)
    {
        var rows = await QueryAsync(
            $"SELECT {Columns} FROM reminders WHERE grain_id = $id AND reminder_name = $name",
            c =>
            {
                c.Parameters.AddWithValue("$id", grainId.ToString());
                c.Parameters.AddWithValue("$name", reminderName);
            });
        return rows.Reminders.FirstOrDefault();
    }

    public async Task<string?> UpsertRow(ReminderEntry entry)
    {
        var etag = await database.WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO reminders (grain_id, reminder_name, grain_hash, start_at, period_ms, etag)
                VALUES ($id, $name, $hash, $start, $period, 1)
                ON CONFLICT (grain_id, reminder_name) DO UPDATE
                    SET start_at = excluded.start_at, period_ms = excluded.period_ms, etag = reminders.etag + 1
                RETURNING etag
                """;
            command.Parameters.AddWithValue("$id", entry.GrainId.ToString());
            command.Parameters.AddWithValue("$name", entry.ReminderName);
            command.Parameters.AddWithValue("$hash", (long)entry.GrainId.GetUniformHashCode());
            command.Parameters.AddWithValue("$start", entry.StartAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("$period", (long)entry.Period.TotalMilliseconds);
            return (long)command.ExecuteScalar()!;
        });
        return etag.ToString(CultureInfo.InvariantCulture);
    }

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) =>
        database.WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM reminders WHERE grain_id = $id AND reminder_name = $name AND etag = $etag";
            command.Parameters.AddWithValue("$id", grainId.ToString());
            command.Parameters.AddWithValue("$name", reminderName);
            command.Parameters.AddWithValue("$etag", long.Parse(eTag, CultureInfo.InvariantCulture));
            return command.ExecuteNonQuery() == 1;
        });

    public Task TestOnlyClearTable() =>
        database.WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM reminders";
            return command.ExecuteNonQuery();
        });

    private async Task<ReminderTableData> QueryAsync(string sql, Action<SqliteCommand> bind)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        var entries = new List<ReminderEntry>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            entries.Add(new ReminderEntry
            {
                GrainId = GrainId.Parse(reader.GetString(0), CultureInfo.InvariantCulture),
                ReminderName = reader.GetString(1),
                StartAt = DateTime.Parse(reader.GetString(2), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                Period = TimeSpan.FromMilliseconds(reader.GetInt64(3)),
                ETag = reader.GetInt64(4).ToString(CultureInfo.InvariantCulture),
            });
        }

        return new ReminderTableData(entries);
    }
}
