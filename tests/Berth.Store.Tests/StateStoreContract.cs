using System.Globalization;
using Berth.Core.Ecs;
using Berth.Core.State;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Store.Tests;

/// <summary>
/// What every <see cref="IStateStore"/> engine must do. An engine's test class derives from this and
/// says how to open an empty store, and another instance on the same data (what a second server process
/// opens); every test gets a store of its own.
/// </summary>
public abstract class StateStoreContract : IAsyncLifetime
{
    private const string Kind = "thing";
    private const string Scope = "scope-a";

    private readonly List<IStateStore> _others = [];
    private IStateStore? _store;

    protected IStateStore Store => _store ?? throw new InvalidOperationException("The store is not open.");

    /// <summary>Opens a new, empty store.</summary>
    protected abstract Task<IStateStore> OpenEmptyStoreAsync();

    /// <summary>Opens another instance on the data of <see cref="Store"/>, with connections of its own, as another server would.</summary>
    protected abstract Task<IStateStore> OpenAnotherInstanceAsync();

    public virtual async Task InitializeAsync() => _store = await OpenEmptyStoreAsync();

    public virtual async Task DisposeAsync()
    {
        foreach (var other in _others)
        {
            await other.DisposeAsync();
        }
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    private async Task<IStateStore[]> InstancesAsync(int count)
    {
        for (var i = 1; i < count; i++)
        {
            _others.Add(await OpenAnotherInstanceAsync());
        }
        return [Store, .. _others];
    }

    private static PutRecord Put(string id, long expectedVersion, string body = "{}", string sortKey = "", string scope = Scope, string kind = Kind) =>
        new(kind, id, scope, sortKey == "" ? id : sortKey, Bodies.Of(body), expectedVersion);

    private Task CommitAsync(params RecordWrite[] writes) => Store.CommitAsync(writes, CancellationToken.None);

    private async Task<RecordText?> GetAsync(string id, string kind = Kind) => (await Store.GetAsync(kind, id, CancellationToken.None)).AsText();

    private async Task<string[]> SortKeysAsync(RecordQuery query) =>
        (await Store.QueryAsync(query, CancellationToken.None)).Select(r => r.SortKey).ToArray();

    private async Task SeedAsync(params string[] sortKeys)
    {
        await CommitAsync(sortKeys.Select(key => (RecordWrite)Put($"id-{key}", 0, sortKey: key)).ToArray());
    }

    [Fact]
    public async Task Insert_with_version_0_stores_version_1()
    {
        await CommitAsync(Put("a", 0, """{"n":1}""", sortKey: "key-a"));

        Assert.Equal(new RecordText(Kind, "a", Scope, "key-a", 1, """{"n":1}"""), await GetAsync("a"));
    }

    [Fact]
    public async Task Get_of_a_missing_record_is_null()
    {
        await CommitAsync(Put("a", 0));

        Assert.Null(await GetAsync("b"));
        Assert.Null(await GetAsync("a", kind: "other"));
    }

    [Fact]
    public async Task Get_many_answers_the_records_that_exist_each_once_in_any_order()
    {
        await CommitAsync(Put("a", 0, """{"n":1}"""), Put("b", 0), Put("c", 0), Put("a", 0, kind: "other"));
        await CommitAsync(Put("b", 1, """{"n":2}"""));

        var records = await Store.GetManyAsync(Kind, ["c", "missing", "a", "b", "a"], CancellationToken.None);

        Assert.Equal(
            [new RecordText(Kind, "a", Scope, "a", 1, """{"n":1}"""), new RecordText(Kind, "b", Scope, "b", 2, """{"n":2}"""), new RecordText(Kind, "c", Scope, "c", 1, "{}")],
            records.Select(r => r.AsText()).OrderBy(r => r!.Id, StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_body_reads_back_byte_for_byte_from_the_storage_whatever_its_characters()
    {
        // Escaped and raw non-ASCII, a character beyond U+FFFF, a quote and a backslash: the body is UTF-8 bytes, stored
        // as text and read back as the same bytes, by another instance too (which reads the storage, not this one's memory).
        const string body = """{"name":"naïve 𝄞 \"q\" \\ \u00e9","n":[1,2.5,null]}""";
        var other = (await InstancesAsync(2))[1];
        await CommitAsync(Put("a", 0, body));
        await CommitAsync(Put("b", 0), Put("b", 1, body));

        var read = await other.GetManyAsync(Kind, ["a", "b"], CancellationToken.None);
        var listed = await other.QueryAsync(new RecordQuery(Kind, Scope), CancellationToken.None);

        Assert.All([.. read, .. listed], record => Assert.Equal(Bodies.Of(body), record.Body));
        Assert.Equal(2, listed.Count);
    }

    [Fact]
    public async Task Get_many_of_no_ids_or_only_missing_ones_is_empty()
    {
        await CommitAsync(Put("a", 0));

        Assert.Empty(await Store.GetManyAsync(Kind, [], CancellationToken.None));
        Assert.Empty(await Store.GetManyAsync(Kind, ["b", "c"], CancellationToken.None));
        Assert.Empty(await Store.GetManyAsync("other", ["a"], CancellationToken.None));
    }

    [Fact]
    public async Task Get_many_reads_ids_with_any_characters_as_get_does()
    {
        // Quotes, a backslash, wildcards, non-ASCII and a character beyond U+FFFF: the ids travel as data, never as SQL.
        string[] ids = ["it's", "back\\slash \"quoted\"", "100%_like", "naïve-𝄞", "arn:aws:ecs:us-east-1:1:task/c/0+1"];
        await CommitAsync(ids.Select(id => (RecordWrite)Put(id, 0)).ToArray());

        var records = await Store.GetManyAsync(Kind, ids, CancellationToken.None);

        Assert.Equal(ids.Order(StringComparer.Ordinal), records.Select(r => r.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Get_many_reads_more_ids_than_a_statement_may_have_parameters()
    {
        // SQLite allows 999 parameters per statement in its older builds: a list of ids must not depend on that.
        var ids = Enumerable.Range(0, 2500).Select(i => $"id-{i:D4}").ToArray();
        await CommitAsync(ids.Where((_, i) => i % 2 == 0).Select(id => (RecordWrite)Put(id, 0)).ToArray());

        var records = await Store.GetManyAsync(Kind, ids, CancellationToken.None);

        Assert.Equal(ids.Where((_, i) => i % 2 == 0), records.Select(r => r.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Typed_get_many_answers_the_records_by_id()
    {
        await CommitAsync(Beat("x", 7, 0), Beat("z", 8, 0));

        var records = await Store.GetManyAsync(EcsRecords.AgentHeartbeats, ["x", "y"], CancellationToken.None);

        Assert.Equal("x", Assert.Single(records).Key);
        Assert.Equal(new Versioned<AgentHeartbeatRecord>("x", 1, "x", new AgentHeartbeatRecord(DateTimeOffset.FromUnixTimeSeconds(7))), records["x"]);
    }

    [Fact]
    public async Task Insert_of_an_existing_id_is_a_conflict()
    {
        await CommitAsync(Put("a", 0, """{"n":1}"""));

        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(Put("a", 0, """{"n":2}""")));

        Assert.Equal((Kind, "a"), (conflict.Kind, conflict.Id));
        Assert.Equal("""{"n":1}""", (await GetAsync("a"))!.Body);
    }

    [Fact]
    public async Task The_same_id_may_exist_once_per_kind()
    {
        await CommitAsync(Put("a", 0, "1"), Put("a", 0, "2", kind: "other"));

        Assert.Equal("1", (await GetAsync("a"))!.Body);
        Assert.Equal("2", (await GetAsync("a", kind: "other"))!.Body);
    }

    [Fact]
    public async Task Update_with_the_current_version_bumps_the_version()
    {
        await CommitAsync(Put("a", 0, "1"));

        await CommitAsync(Put("a", 1, "2", sortKey: "moved", scope: "scope-b"));
        await CommitAsync(Put("a", 2, "3", sortKey: "moved", scope: "scope-b"));

        Assert.Equal(new RecordText(Kind, "a", "scope-b", "moved", 3, "3"), await GetAsync("a"));
    }

    [Fact]
    public async Task Update_with_a_stale_version_is_a_conflict_and_changes_nothing()
    {
        await CommitAsync(Put("a", 0, "1"));
        await CommitAsync(Put("a", 1, "2"));

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(Put("a", 1, "stale")));

        Assert.Equal(new RecordText(Kind, "a", Scope, "a", 2, "2"), await GetAsync("a"));
    }

    [Fact]
    public async Task Update_of_a_missing_record_is_a_conflict()
    {
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(Put("a", 1)));

        Assert.Null(await GetAsync("a"));
    }

    [Fact]
    public async Task A_commit_with_one_stale_write_applies_none_of_its_writes()
    {
        await CommitAsync(Put("counter", 0, "1"), Put("old", 0, "old"));

        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(
            Put("new", 0, "new"),
            Put("old", 1, "changed"),
            new DeleteRecord(Kind, "old", 2),
            Put("counter", 7, "2")));

        Assert.Equal("counter", conflict.Id);
        Assert.Null(await GetAsync("new"));
        Assert.Equal(new RecordText(Kind, "old", Scope, "old", 1, "old"), await GetAsync("old"));
        Assert.Equal(new RecordText(Kind, "counter", Scope, "counter", 1, "1"), await GetAsync("counter"));
    }

    /// <summary>A commit of puts of distinct records, inserts and updates mixed (PostgreSQL runs each kind as one statement).</summary>
    [Fact]
    public async Task A_commit_of_many_puts_applies_each_with_its_keys_body_and_next_version()
    {
        await CommitAsync(Put("u1", 0, "1"), Put("u2", 0, "1"), Put("u2", 1, "2"));

        await CommitAsync(
            Put("n1", 0, "new 1", sortKey: "s1") with { IndexKey = "RUNNING\n" },
            Put("u1", 1, "changed 1", sortKey: "moved", scope: "scope-b"),
            Put("n2", 0, "new é 2"),
            Put("u2", 2, "changed 2") with { IndexKey = "STOPPED\n" },
            Put("n1", 0, "other kind", kind: "other"));

        Assert.Equal(new RecordText(Kind, "n1", Scope, "s1", 1, "new 1"), await GetAsync("n1"));
        Assert.Equal(new RecordText(Kind, "n2", Scope, "n2", 1, "new é 2"), await GetAsync("n2"));
        Assert.Equal(new RecordText("other", "n1", Scope, "n1", 1, "other kind"), await GetAsync("n1", "other"));
        Assert.Equal(new RecordText(Kind, "u1", "scope-b", "moved", 2, "changed 1"), await GetAsync("u1"));
        Assert.Equal(new RecordText(Kind, "u2", Scope, "u2", 3, "changed 2"), await GetAsync("u2"));
        Assert.Equal(["s1"], await SortKeysAsync(new RecordQuery(Kind, Scope) { IndexKeyPrefix = "RUNNING\n" }));
        Assert.Equal(["u2"], await SortKeysAsync(new RecordQuery(Kind, Scope) { IndexKeyPrefix = "STOPPED\n" }));
    }

    [Fact]
    public async Task A_commit_of_many_puts_with_one_stale_update_or_one_existing_insert_names_it_and_applies_none()
    {
        await CommitAsync(Put("u1", 0, "1"), Put("u2", 0, "1"), Put("u3", 0, "1"));

        var staleUpdate = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(
            Put("n1", 0, "new"), Put("u1", 1, "2"), Put("u2", 7, "2"), Put("u3", 1, "2")));
        var existingInsert = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(
            Put("n1", 0, "new"), Put("u2", 0, "again"), Put("n3", 0, "new"), Put("u1", 1, "2")));

        Assert.Equal((Kind, "u2"), (staleUpdate.Kind, staleUpdate.Id));
        Assert.Equal((Kind, "u2"), (existingInsert.Kind, existingInsert.Id));
        Assert.Null(await GetAsync("n1"));
        Assert.Null(await GetAsync("n3"));
        Assert.Equal(["1", "1", "1"], new[] { (await GetAsync("u1"))!.Body, (await GetAsync("u2"))!.Body, (await GetAsync("u3"))!.Body });
    }

    [Fact]
    public async Task Require_version_of_the_current_version_lets_the_commit_apply_and_changes_nothing_itself()
    {
        await CommitAsync(Put("fence", 0, "f"), Put("fence", 1, "f"));

        await CommitAsync(new RequireVersion(Kind, "fence", 2), Put("a", 0, "1"), new RequireVersion(Kind, "absent", 0));

        Assert.Equal(new RecordText(Kind, "fence", Scope, "fence", 2, "f"), await GetAsync("fence"));
        Assert.Equal("1", (await GetAsync("a"))!.Body);
    }

    [Fact]
    public async Task Require_version_of_a_stale_or_missing_record_fails_the_commit_and_applies_none_of_its_writes()
    {
        await CommitAsync(Put("fence", 0, "f"), Put("fence", 1, "f"), Put("a", 0, "1"));

        var stale = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(Put("a", 1, "2"), new RequireVersion(Kind, "fence", 1)));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(Put("a", 1, "2"), new RequireVersion(Kind, "missing", 1)));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(new DeleteRecord(Kind, "a", 1), new RequireVersion(Kind, "fence", 0)));

        Assert.Equal((Kind, "fence"), (stale.Kind, stale.Id));
        Assert.Equal(new RecordText(Kind, "a", Scope, "a", 1, "1"), await GetAsync("a"));
        Assert.Equal(2, (await GetAsync("fence"))!.Version);
    }

    [Fact]
    public async Task Writes_of_one_commit_see_each_other()
    {
        await CommitAsync(Put("a", 0, "1"), Put("a", 1, "2"), Put("a", 2, "3"));

        Assert.Equal(3, (await GetAsync("a"))!.Version);
    }

    [Fact]
    public async Task A_store_can_be_used_after_a_conflict()
    {
        await CommitAsync(Put("a", 0));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(Put("a", 0)));

        await CommitAsync(Put("b", 0));

        Assert.NotNull(await GetAsync("b"));
    }

    [Fact]
    public async Task Delete_with_the_current_version_removes_the_record()
    {
        await CommitAsync(Put("a", 0));
        await CommitAsync(Put("a", 1));

        await CommitAsync(new DeleteRecord(Kind, "a", 2));

        Assert.Null(await GetAsync("a"));
        Assert.Equal(0, await Store.CountAsync(new RecordQuery(Kind, Scope), CancellationToken.None));
    }

    [Fact]
    public async Task Delete_with_a_stale_version_is_a_conflict_and_keeps_the_record()
    {
        await CommitAsync(Put("a", 0));
        await CommitAsync(Put("a", 1));

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(new DeleteRecord(Kind, "a", 1)));

        Assert.Equal(2, (await GetAsync("a"))!.Version);
    }

    [Fact]
    public async Task Delete_of_a_missing_record_is_a_conflict()
    {
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(new DeleteRecord(Kind, "a", 1)));
    }

    [Fact]
    public async Task A_deleted_id_can_be_inserted_again_from_version_0()
    {
        await CommitAsync(Put("a", 0, "1"));
        await CommitAsync(new DeleteRecord(Kind, "a", 1));

        await CommitAsync(Put("a", 0, "again"));

        Assert.Equal(new RecordText(Kind, "a", Scope, "a", 1, "again"), await GetAsync("a"));
    }

    [Fact]
    public async Task Query_lists_one_kind_and_scope_in_ascending_sort_key_order()
    {
        await SeedAsync("c", "a", "b");
        await CommitAsync(Put("elsewhere", 0, sortKey: "0", scope: "scope-b"), Put("other-kind", 0, sortKey: "0", kind: "other"));

        var records = await Store.QueryAsync(new RecordQuery(Kind, Scope), CancellationToken.None);

        Assert.Equal(["a", "b", "c"], records.Select(r => r.SortKey));
        Assert.Equal(["id-a", "id-b", "id-c"], records.Select(r => r.Id));
        Assert.All(records, r => Assert.Equal((Kind, Scope, 1L), (r.Kind, r.Scope, r.Version)));
    }

    [Fact]
    public async Task Versions_list_what_the_same_query_lists_without_the_bodies()
    {
        await SeedAsync("c", "a", "b", "ab");
        await CommitAsync(Put("id-b", 1, body: "moved", sortKey: "b"), Put("elsewhere", 0, sortKey: "a", scope: "scope-b"), Put("other-kind", 0, sortKey: "a", kind: "other"));
        var query = new RecordQuery(Kind, Scope) { SortKeyPrefix = "a", Descending = true };

        var versions = await Store.VersionsAsync(query, CancellationToken.None);

        Assert.Equal((await Store.QueryAsync(query, CancellationToken.None)).Select(r => new RecordVersion(r.Id, r.SortKey, r.Version)), versions);
        Assert.Equal([new RecordVersion("id-ab", "ab", 1), new RecordVersion("id-a", "a", 1)], versions);
        Assert.Equal(
            [new RecordVersion("id-a", "a", 1), new RecordVersion("id-ab", "ab", 1), new RecordVersion("id-b", "b", 2), new RecordVersion("id-c", "c", 1)],
            await Store.VersionsAsync(new RecordQuery(Kind, Scope), CancellationToken.None));
    }

    [Fact]
    public async Task Query_can_list_in_descending_order()
    {
        await SeedAsync("c", "a", "b");

        Assert.Equal(["c", "b", "a"], await SortKeysAsync(new RecordQuery(Kind, Scope) { Descending = true }));
    }

    [Fact]
    public async Task Sort_keys_compare_ordinally()
    {
        await SeedAsync("b", "B", "a", "a-1", "a 1", "10", "9");

        Assert.Equal(["10", "9", "B", "a", "a 1", "a-1", "b"], await SortKeysAsync(new RecordQuery(Kind, Scope)));
    }

    [Fact]
    public async Task Query_of_an_empty_scope_is_empty()
    {
        await SeedAsync("a");

        Assert.Empty(await Store.QueryAsync(new RecordQuery(Kind, "nobody"), CancellationToken.None));
    }

    [Fact]
    public async Task Sort_key_prefix_selects_keys_that_start_with_it()
    {
        await SeedAsync("web 1", "web 2", "web", "web-api 1", "wea 1", "wec", "x");

        Assert.Equal(["web 1", "web 2"], await SortKeysAsync(new RecordQuery(Kind, Scope) { SortKeyPrefix = "web " }));
        Assert.Equal(["web", "web 1", "web 2", "web-api 1"], await SortKeysAsync(new RecordQuery(Kind, Scope) { SortKeyPrefix = "web" }));
    }

    [Fact]
    public async Task Sort_key_prefix_is_literal_not_a_pattern()
    {
        await SeedAsync("a_b", "axb", "a%b", "a%", "aXXb");

        Assert.Equal(["a_b"], await SortKeysAsync(new RecordQuery(Kind, Scope) { SortKeyPrefix = "a_" }));
        Assert.Equal(["a%", "a%b"], await SortKeysAsync(new RecordQuery(Kind, Scope) { SortKeyPrefix = "a%" }));
    }

    [Fact]
    public async Task Sort_key_prefix_matches_keys_that_continue_with_any_character()
    {
        await SeedAsync("k", "k~", "ké", "k\uFFFD", "k\U0001F600", "l");

        Assert.Equal(["k", "k~", "ké", "k\uFFFD", "k\U0001F600"], await SortKeysAsync(new RecordQuery(Kind, Scope) { SortKeyPrefix = "k" }));
    }

    [Fact]
    public async Task Index_key_prefix_reads_the_matching_records_in_sort_key_order()
    {
        await CommitAsync(
            Put("a", 0, sortKey: "4") with { IndexKey = "RUNNING\nweb\n" },
            Put("b", 0, sortKey: "1") with { IndexKey = "RUNNING\nweb\n" },
            Put("c", 0, sortKey: "2") with { IndexKey = "RUNNING\nweb-api\n" },
            Put("d", 0, sortKey: "3") with { IndexKey = "STOPPED\nweb\n" },
            Put("e", 0, sortKey: "0"),
            Put("f", 0, sortKey: "5", scope: "scope-b") with { IndexKey = "RUNNING\nweb\n" });

        Assert.Equal(["1", "4"], await SortKeysAsync(new RecordQuery(Kind, Scope) { IndexKeyPrefix = "RUNNING\nweb\n" }));
        Assert.Equal(["1", "2", "4"], await SortKeysAsync(new RecordQuery(Kind, Scope) { IndexKeyPrefix = "RUNNING\n" }));
        Assert.Equal(["4"], await SortKeysAsync(new RecordQuery(Kind, Scope) { IndexKeyPrefix = "RUNNING\n", After = "2" }));
        Assert.Equal(["4", "2"], await SortKeysAsync(new RecordQuery(Kind, Scope) { IndexKeyPrefix = "RUNNING\n", Descending = true, Limit = 2 }));
        Assert.Equal(["4"], await SortKeysAsync(new RecordQuery(Kind, Scope) { IndexKeyPrefix = "RUNNING\n", SortKeyPrefix = "4" }));
        Assert.Equal(2, await Store.CountAsync(new RecordQuery(Kind, Scope) { IndexKeyPrefix = "RUNNING\nweb\n" }, CancellationToken.None));
        Assert.Empty(await SortKeysAsync(new RecordQuery(Kind, Scope) { IndexKeyPrefix = "RUNNING\nw%" }));
    }

    [Fact]
    public async Task An_update_moves_the_record_to_its_new_index_key_and_a_put_without_one_clears_it()
    {
        await CommitAsync(Put("a", 0) with { IndexKey = "RUNNING\n" });
        await CommitAsync(Put("a", 1) with { IndexKey = "STOPPED\n" });

        Assert.Empty(await SortKeysAsync(new RecordQuery(Kind, Scope) { IndexKeyPrefix = "RUNNING\n" }));
        Assert.Equal(["a"], await SortKeysAsync(new RecordQuery(Kind, Scope) { IndexKeyPrefix = "STOPPED\n" }));

        await CommitAsync(Put("a", 2));

        Assert.Empty(await SortKeysAsync(new RecordQuery(Kind, Scope) { IndexKeyPrefix = "STOPPED\n" }));
        Assert.Equal(["a"], await SortKeysAsync(new RecordQuery(Kind, Scope)));
    }

    [Fact]
    public async Task An_update_files_the_record_under_its_new_scope_and_sort_key_and_a_stale_one_changes_nothing_whatever_its_keys()
    {
        await CommitAsync(Put("a", 0, body: "0"));
        await CommitAsync(Put("a", 1, body: "1", sortKey: "z", scope: "elsewhere"));

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(Put("a", 1, body: "stale, keys as they were")));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(Put("a", 1, body: "stale, keys as they are", sortKey: "z", scope: "elsewhere")));
        await CommitAsync(Put("a", 2, body: "2", sortKey: "z", scope: "elsewhere"));

        Assert.Empty(await SortKeysAsync(new RecordQuery(Kind, Scope)));
        Assert.Equal(["z"], await SortKeysAsync(new RecordQuery(Kind, "elsewhere")));
        Assert.Equal(new RecordText(Kind, "a", "elsewhere", "z", 3, "2"), (await Store.GetAsync(Kind, "a", CancellationToken.None)).AsText());
    }

    [Fact]
    public async Task After_is_exclusive_and_follows_the_order()
    {
        await SeedAsync("a", "b", "c", "d");

        Assert.Equal(["c", "d"], await SortKeysAsync(new RecordQuery(Kind, Scope) { After = "b" }));
        Assert.Equal(["a"], await SortKeysAsync(new RecordQuery(Kind, Scope) { After = "b", Descending = true }));
        Assert.Equal(["c", "d"], await SortKeysAsync(new RecordQuery(Kind, Scope) { After = "bb" }));
    }

    [Fact]
    public async Task Limit_caps_the_number_of_records()
    {
        await SeedAsync("a", "b", "c", "d");

        Assert.Equal(["a", "b"], await SortKeysAsync(new RecordQuery(Kind, Scope) { Limit = 2 }));
        Assert.Equal(["d", "c"], await SortKeysAsync(new RecordQuery(Kind, Scope) { Limit = 2, Descending = true }));
    }

    [Fact]
    public async Task Prefix_after_and_limit_combine_into_keyset_pages()
    {
        await SeedAsync("web 1", "web 2", "web 3", "web 4", "web 5", "web-api 1");
        var query = new RecordQuery(Kind, Scope) { SortKeyPrefix = "web ", Limit = 2 };

        var pages = new List<string[]>();
        string? after = null;
        do
        {
            var page = await SortKeysAsync(query with { After = after });
            pages.Add(page);
            after = page.Length == 2 ? page[^1] : null;
        }
        while (after is not null);

        Assert.Equal([["web 1", "web 2"], ["web 3", "web 4"], ["web 5"]], pages);
    }

    [Fact]
    public async Task Count_counts_one_kind_scope_and_prefix_and_ignores_after_and_limit()
    {
        await SeedAsync("RUNNING 1", "RUNNING 2", "RUNNING 3", "PENDING 1", "STOPPED 1");
        await CommitAsync(Put("elsewhere", 0, sortKey: "RUNNING 9", scope: "scope-b"));

        Assert.Equal(5, await Store.CountAsync(new RecordQuery(Kind, Scope), CancellationToken.None));
        Assert.Equal(3, await Store.CountAsync(new RecordQuery(Kind, Scope) { SortKeyPrefix = "RUNNING " }, CancellationToken.None));
        Assert.Equal(3, await Store.CountAsync(
            new RecordQuery(Kind, Scope) { SortKeyPrefix = "RUNNING ", After = "RUNNING 1", Limit = 1 }, CancellationToken.None));
        Assert.Equal(0, await Store.CountAsync(new RecordQuery(Kind, Scope) { SortKeyPrefix = "DRAINING " }, CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_writers_of_one_record_all_but_one_conflict()
    {
        await CommitAsync(Put("a", 0, "0"));

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 8).Select(async i =>
        {
            try
            {
                await Task.Yield();
                await CommitAsync(Put("a", 1, i.ToString(CultureInfo.InvariantCulture)));
                return true;
            }
            catch (ConcurrencyConflictException)
            {
                return false;
            }
        }));

        Assert.Single(outcomes, won => won);
        Assert.Equal(2, (await GetAsync("a"))!.Version);
    }

    [Fact]
    public async Task Of_many_concurrent_commits_the_stale_ones_change_nothing_and_all_others_apply()
    {
        // Enough commits at once that SQLite's group commit puts several into one transaction: each stale one (every
        // fifth) first creates a record of its own, then names a stale version, and must leave no trace.
        await CommitAsync(Put("shared", 0, "0"));
        const int commits = 60;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, commits).Select(async i =>
        {
            await Task.Yield();
            var id = $"r{i:D2}";
            RecordWrite[] writes = i % 5 == 0 ? [Put(id, 0), Put("shared", 7, "stale")] : [Put(id, 0), new RequireVersion(Kind, "shared", 1)];
            try
            {
                await CommitAsync(writes);
                return (Id: id, Applied: true);
            }
            catch (ConcurrencyConflictException conflict)
            {
                Assert.Equal("shared", conflict.Id);
                return (Id: id, Applied: false);
            }
        }));

        Assert.Equal(Enumerable.Range(0, commits).Select(i => i % 5 != 0), outcomes.Select(o => o.Applied));
        var stored = (await Store.QueryAsync(new RecordQuery(Kind, Scope) { SortKeyPrefix = "r" }, CancellationToken.None)).Select(r => r.Id);
        Assert.Equal(outcomes.Where(o => o.Applied).Select(o => o.Id), stored);
        Assert.Equal(new RecordText(Kind, "shared", Scope, "shared", 1, "0"), await GetAsync("shared"));
    }

    [Fact]
    public async Task Increments_from_several_instances_with_retries_lose_no_update()
    {
        const int perInstance = 15;
        var instances = await InstancesAsync(4);
        await CommitAsync(Put("counter", 0, "0"));

        await Task.WhenAll(instances.Select(store => Task.Run(async () =>
        {
            for (var done = 0; done < perInstance;)
            {
                var current = (await store.GetAsync(Kind, "counter", CancellationToken.None))!;
                var next = (int.Parse(current.Body, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
                try
                {
                    await store.CommitAsync([Put("counter", current.Version, next)], CancellationToken.None);
                    done++;
                }
                catch (ConcurrencyConflictException)
                {
                    // Someone else incremented first: re-read and try again, as every caller of the store does.
                }
            }
        })));

        var counter = (await GetAsync("counter"))!;
        Assert.Equal((instances.Length * perInstance).ToString(CultureInfo.InvariantCulture), counter.Body);
        Assert.Equal(instances.Length * perInstance + 1, counter.Version);
    }

    [Fact]
    public async Task Transfers_between_two_records_from_several_instances_are_all_or_nothing()
    {
        const int perInstance = 10;
        var instances = await InstancesAsync(4);
        await CommitAsync(Put("left", 0, "1000"), Put("right", 0, "0"));

        // Half the instances name the records in the other order: an engine that locks in the given order would deadlock.
        await Task.WhenAll(instances.Select((store, n) => Task.Run(async () =>
        {
            for (var done = 0; done < perInstance;)
            {
                var left = (await store.GetAsync(Kind, "left", CancellationToken.None))!;
                var right = (await store.GetAsync(Kind, "right", CancellationToken.None))!;
                RecordWrite[] writes =
                [
                    Put("left", left.Version, Add(left.BodyText(), -1)),
                    Put("right", right.Version, Add(right.BodyText(), 1)),
                ];
                try
                {
                    await store.CommitAsync(n % 2 == 0 ? writes : [.. writes.Reverse()], CancellationToken.None);
                    done++;
                }
                catch (ConcurrencyConflictException)
                {
                }
            }
        })));

        var moved = instances.Length * perInstance;
        Assert.Equal((1000 - moved).ToString(CultureInfo.InvariantCulture), (await GetAsync("left"))!.Body);
        Assert.Equal(moved.ToString(CultureInfo.InvariantCulture), (await GetAsync("right"))!.Body);
        Assert.Equal(moved + 1, (await GetAsync("right"))!.Version);
    }

    [Fact]
    public async Task Another_instance_sees_what_one_committed()
    {
        var other = (await InstancesAsync(2))[1];

        await CommitAsync(Put("a", 0, "1"));

        Assert.Equal("1", (await other.GetAsync(Kind, "a", CancellationToken.None))!.BodyText());
    }

    private static string Add(string number, int delta) =>
        (int.Parse(number, CultureInfo.InvariantCulture) + delta).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A cache over <see cref="Store"/> as one server holds it: the server's commits go through the returned store (and
    /// so its feed); its clock moves only when told, so no listing happens unless the test moves it.
    /// </summary>
    private (QueryReadCache<TRecord> Cache, ChangeFeedStateStore Store, FakeTimeProvider Clock) Cache<TRecord>(RecordType<TRecord> type)
    {
        var followed = new ChangeFeedStateStore(Store, new ChangeFeed());
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        return (new QueryReadCache<TRecord>(followed, followed.Feed, type, clock), followed, clock);
    }

    private Task<IReadOnlyList<Versioned<AgentHeartbeatRecord>>> HeartbeatsAsync(string? scope = Scope) =>
        Store.QueryAsync(EcsRecords.AgentHeartbeats, new RecordQuery(EcsRecords.AgentHeartbeats.Kind, scope), CancellationToken.None);

    [Fact]
    public async Task A_query_read_cache_answers_what_a_query_would_after_this_servers_puts_updates_and_deletes_at_once()
    {
        var (cache, store, _) = Cache(EcsRecords.AgentHeartbeats);
        await store.CommitAsync([Beat("a", 1, 0), Beat("b", 2, 0), Beat("c", 3, 0), Beat("x", 4, 0, "other-scope")], CancellationToken.None);
        var first = await cache.QueryAsync(Scope, CancellationToken.None);
        var a = first.Single(r => r.Id == "a");

        await store.CommitAsync([Beat("b", 20, 1), EcsRecords.AgentHeartbeats.Delete(first.Single(r => r.Id == "c")), Beat("d", 5, 0)], CancellationToken.None);
        var second = await cache.QueryAsync(Scope, CancellationToken.None);

        Assert.Equal(await HeartbeatsAsync(), second);
        Assert.Equal(["a", "b", "d"], second.Select(r => r.Id));
        Assert.Same(a, second[0]); // unchanged, so not read again
        Assert.Equal(["a", "b", "d", "x"], (await cache.QueryAsync((string?)null, CancellationToken.None)).Select(r => r.Id));
    }

    [Fact]
    public async Task A_query_read_cache_sees_another_servers_puts_and_deletes_once_its_last_listing_is_the_listing_interval_old()
    {
        var other = (await InstancesAsync(2))[1];
        var (cache, store, clock) = Cache(EcsRecords.AgentHeartbeats);
        await store.CommitAsync([Beat("a", 1, 0), Beat("b", 2, 0)], CancellationToken.None);
        var first = await cache.QueryAsync(Scope, CancellationToken.None);

        await other.CommitAsync([Beat("a", 10, 1), EcsRecords.AgentHeartbeats.Delete(first[1]), Beat("c", 3, 0)], CancellationToken.None);
        // This server's feed does not show another server's commits: until the interval passes, the cache answers from it.
        Assert.Equal(first, await cache.QueryAsync(Scope, CancellationToken.None));
        clock.Advance(ChangeFeed.ListingInterval);

        Assert.Equal(await HeartbeatsAsync(), await cache.QueryAsync(Scope, CancellationToken.None));
        Assert.Equal(["a", "c"], (await cache.QueryAsync(Scope, CancellationToken.None)).Select(r => r.Id));
    }

    [Fact]
    public async Task A_query_read_cache_read_for_the_current_state_sees_another_servers_commit_at_once()
    {
        var other = (await InstancesAsync(2))[1];
        var (cache, store, _) = Cache(EcsRecords.AgentHeartbeats);
        await store.CommitAsync([Beat("a", 1, 0)], CancellationToken.None);
        await cache.QueryAsync(Scope, CancellationToken.None);

        await other.CommitAsync([Beat("a", 10, 1), Beat("b", 2, 0)], CancellationToken.None);

        var query = new RecordQuery(EcsRecords.AgentHeartbeats.Kind, Scope);
        Assert.Equal(await HeartbeatsAsync(), (await cache.ReadCurrentAsync(query, CancellationToken.None)).Records);
        Assert.Equal(await HeartbeatsAsync(), await cache.QueryAsync(Scope, CancellationToken.None)); // and kept
    }

    [Fact]
    public async Task A_query_read_cache_reads_a_scope_of_many_moved_records_in_one_query_and_keeps_the_unmoved()
    {
        var (cache, store, clock) = Cache(EcsRecords.AgentHeartbeats);
        var ids = Enumerable.Range(0, 100).Select(i => i.ToString("D3", CultureInfo.InvariantCulture)).ToList();
        await store.CommitAsync([.. ids.Select(id => Beat(id, 1, 0))], CancellationToken.None);
        var first = await cache.QueryAsync(Scope, CancellationToken.None);

        await store.CommitAsync([.. ids.Take(60).Select(id => Beat(id, 2, 1))], CancellationToken.None);
        var second = await cache.QueryAsync(Scope, CancellationToken.None);
        await store.CommitAsync([.. ids.Skip(60).Select(id => Beat(id, 2, 1))], CancellationToken.None);
        clock.Advance(ChangeFeed.ListingInterval);
        var third = await cache.QueryAsync(Scope, CancellationToken.None);

        Assert.Equal(await HeartbeatsAsync(), third);
        Assert.Same(first[99], second[99]);
        Assert.NotSame(first[0], second[0]);
        Assert.Same(second[0], third[0]);
        Assert.NotSame(second[99], third[99]);
    }

    [Fact]
    public async Task A_query_read_cache_reads_a_groups_tasks_as_the_store_does_as_they_move_between_desired_statuses()
    {
        var (cache, store, _) = Cache(EcsRecords.Tasks);
        var web = new EcsTask { TaskArn = "arn:t/1", ClusterArn = "arn:c", DesiredStatus = "RUNNING", LastStatus = "PENDING", Group = "service:web", Version = 1 };
        var other = web with { TaskArn = "arn:t/2", Group = "service:api" };
        await store.CommitAsync([EcsRecords.PutTask(web, 0), EcsRecords.PutTask(other, 0), EcsRecords.PutTask(web with { TaskArn = "arn:t/3" }, 0)], CancellationToken.None);
        Assert.Equal(["arn:t/1", "arn:t/3"], (await cache.TasksOfGroupAsync("arn:c", "service:web", CancellationToken.None)).Select(t => t.TaskArn));

        await store.CommitAsync([EcsRecords.PutTask(web with { DesiredStatus = "STOPPED", Version = 2 }, 1)], CancellationToken.None);

        var stopped = await cache.TasksOfGroupAsync("arn:c", "service:web", CancellationToken.None);
        Assert.Equal(await Store.TasksOfGroupAsync("arn:c", "service:web", CancellationToken.None), stopped);
        Assert.Equal(["arn:t/3", "arn:t/1"], stopped.Select(t => t.TaskArn));
    }

    [Fact]
    public async Task A_task_whose_desired_status_moves_between_the_range_reads_of_its_group_is_listed_once_as_it_now_is()
    {
        var web = new EcsTask { TaskArn = "arn:t/1", ClusterArn = "arn:c", DesiredStatus = "RUNNING", LastStatus = "RUNNING", Group = "service:web", Version = 1 };
        await Store.CommitAsync([EcsRecords.PutTask(web, 0)], CancellationToken.None);
        // The stop lands after the RUNNING range was read and before the STOPPED one is.
        var store = new AfterFirstQuery(Store, () => Store.CommitAsync([EcsRecords.PutTask(web with { DesiredStatus = "STOPPED", Version = 2 }, 1)], CancellationToken.None));

        var tasks = await store.TasksOfGroupAsync("arn:c", "service:web", CancellationToken.None);

        Assert.Equal([("arn:t/1", "STOPPED")], tasks.Select(t => (t.TaskArn, t.DesiredStatus)));
    }

    /// <summary>Runs a change once, right after the first query made through it.</summary>
    private sealed class AfterFirstQuery(IStateStore inner, Func<Task> change) : CommitDecorator(inner)
    {
        private bool _done;

        public override async Task<IReadOnlyList<StoredRecord>> QueryAsync(RecordQuery query, CancellationToken cancellationToken)
        {
            var found = await Inner.QueryAsync(query, cancellationToken);
            if (!_done)
            {
                _done = true;
                await change();
            }
            return found;
        }

        public override Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken) => Inner.CommitAsync(writes, cancellationToken);

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static PutRecord Beat(string id, long seconds, long expectedVersion, string scope = Scope) =>
        EcsRecords.AgentHeartbeats.Put(id, scope, id, new AgentHeartbeatRecord(DateTimeOffset.FromUnixTimeSeconds(seconds)), expectedVersion);
}
