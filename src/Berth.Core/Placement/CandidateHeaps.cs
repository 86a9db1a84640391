namespace Berth.Core.Placement;

/// <summary>
/// The feasible instances, grouped into cells of equal spread-attribute values and kept in one min-heap per
/// cell, ordered by the per-instance strategy keys (binpack's resource left, spread-by-instance's task count)
/// and then by instance index (ARN order).
/// </summary>
/// <remarks>
/// Inside a cell every spread-attribute key is the same, so the cell's best instance by all strategies is its
/// best by the per-instance keys alone: the heap's top. The best instance overall is then the best of the cell
/// tops, found by comparing a handful of cells instead of every instance. Placing a copy changes the keys of
/// one instance only (spread-attribute counts belong to the cell, not to the heap order), so one sift keeps
/// the heap right: a copy costs O(cells + log instances).
/// <para>
/// With no per-instance keys (only spread-attribute strategies, or none) every instance of a cell ties with its
/// top, and a trailing random strategy picks the n-th of them. Such cells are kept sorted (a sorted array is a
/// valid min-heap too), so the n-th instance depends only on which instances are feasible, never on the order
/// they were added and removed in: a <see cref="ClusterIndex"/> view updated over many plans picks exactly what
/// a view built afresh picks.
/// </para>
/// </remarks>
internal sealed class CandidateHeaps
{
    private readonly int[][] _keys;
    private readonly int[] _cellOf;
    private readonly int[] _position;
    private readonly int[][] _heaps;
    private readonly int[] _counts;

    /// <param name="keys">The per-instance key arrays in strategy order; the owner updates them in place.</param>
    /// <param name="cellOf">The cell of each instance.</param>
    /// <param name="cellSizes">How many instances each cell has.</param>
    public CandidateHeaps(int[][] keys, int[] cellOf, int[] cellSizes)
    {
        _keys = keys;
        _cellOf = cellOf;
        _position = new int[cellOf.Length];
        Array.Fill(_position, -1);
        _heaps = new int[cellSizes.Length][];
        for (var c = 0; c < cellSizes.Length; c++)
        {
            _heaps[c] = new int[cellSizes[c]];
        }
        _counts = new int[cellSizes.Length];
    }

    public int CellCount => _heaps.Length;

    /// <summary>False when only spread-attribute strategies rank, so every instance of a cell ties with its top.</summary>
    public bool HasKeys => _keys.Length > 0;

    public int Count(int cell) => _counts[cell];

    /// <summary>The instance at <paramref name="slot"/> of <paramref name="cell"/>'s heap (any order).</summary>
    public int At(int cell, int slot) => _heaps[cell][slot];

    /// <summary>The best instance of <paramref name="cell"/>, or -1 when it has none left.</summary>
    public int Top(int cell) => _counts[cell] > 0 ? _heaps[cell][0] : -1;

    /// <summary>Adds an instance while building; call <see cref="Build"/> once all are added.</summary>
    public void Add(int instance)
    {
        var cell = _cellOf[instance];
        _position[instance] = _counts[cell];
        _heaps[cell][_counts[cell]++] = instance;
    }

    /// <summary>Adds an instance after <see cref="Build"/> (one that became feasible again).</summary>
    public void Insert(int instance)
    {
        var cell = _cellOf[instance];
        var heap = _heaps[cell];
        var count = _counts[cell]++;
        if (!HasKeys)
        {
            var at = ~Array.BinarySearch(heap, 0, count, instance);
            Array.Copy(heap, at, heap, at + 1, count - at);
            heap[at] = instance;
            for (var j = at; j <= count; j++)
            {
                _position[heap[j]] = j;
            }
            return;
        }
        heap[count] = instance;
        _position[instance] = count;
        SiftUp(cell, count);
    }

    /// <summary>Orders the heaps once every instance is added (instances are added in index order, so sorted cells already are).</summary>
    public void Build()
    {
        for (var c = 0; c < _heaps.Length; c++)
        {
            for (var j = _counts[c] / 2 - 1; j >= 0; j--)
            {
                SiftDown(c, j);
            }
        }
    }

    /// <summary>Restores the order after the keys of <paramref name="instance"/> changed.</summary>
    public void Changed(int instance)
    {
        var cell = _cellOf[instance];
        SiftDown(cell, SiftUp(cell, _position[instance]));
    }

    public void Remove(int instance)
    {
        var cell = _cellOf[instance];
        var at = _position[instance];
        _position[instance] = -1;
        if (!HasKeys)
        {
            var heap = _heaps[cell];
            var count = --_counts[cell];
            Array.Copy(heap, at + 1, heap, at, count - at);
            for (var j = at; j < count; j++)
            {
                _position[heap[j]] = j;
            }
            return;
        }
        var last = _heaps[cell][--_counts[cell]];
        if (last == instance)
        {
            return;
        }
        _heaps[cell][at] = last;
        _position[last] = at;
        SiftDown(cell, SiftUp(cell, at));
    }

    /// <summary>
    /// Appends to <paramref name="ties"/> every instance of <paramref name="cell"/> whose per-instance keys equal
    /// the top's (the candidates a trailing random strategy chooses among).
    /// </summary>
    public void CollectTies(int cell, List<int> ties, Stack<int> pending)
    {
        var heap = _heaps[cell];
        var top = heap[0];
        pending.Push(0);
        while (pending.Count > 0)
        {
            var j = pending.Pop();
            if (j >= _counts[cell] || !SameKeys(heap[j], top))
            {
                continue;
            }
            ties.Add(heap[j]);
            pending.Push(2 * j + 2);
            pending.Push(2 * j + 1);
        }
    }

    private bool Less(int a, int b)
    {
        foreach (var key in _keys)
        {
            if (key[a] != key[b])
            {
                return key[a] < key[b];
            }
        }
        return a < b;
    }

    private bool SameKeys(int a, int b)
    {
        foreach (var key in _keys)
        {
            if (key[a] != key[b])
            {
                return false;
            }
        }
        return true;
    }

    private int SiftUp(int cell, int at)
    {
        var heap = _heaps[cell];
        var item = heap[at];
        while (at > 0)
        {
            var parent = (at - 1) / 2;
            if (!Less(item, heap[parent]))
            {
                break;
            }
            heap[at] = heap[parent];
            _position[heap[at]] = at;
            at = parent;
        }
        heap[at] = item;
        _position[item] = at;
        return at;
    }

    private void SiftDown(int cell, int at)
    {
        var heap = _heaps[cell];
        var count = _counts[cell];
        var item = heap[at];
        while (true)
        {
            var child = 2 * at + 1;
            if (child >= count)
            {
                break;
            }
            if (child + 1 < count && Less(heap[child + 1], heap[child]))
            {
                child++;
            }
            if (!Less(heap[child], item))
            {
                break;
            }
            heap[at] = heap[child];
            _position[heap[at]] = at;
            at = child;
        }
        heap[at] = item;
        _position[item] = at;
    }
}
