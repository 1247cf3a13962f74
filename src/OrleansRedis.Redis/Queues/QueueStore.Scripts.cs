namespace OrleansRedis.Redis.Queues;

public sealed partial class QueueStore
{
    // Every partition script receives the same first KEYS (QueuePartitionKeys.Fixed): 1-3 the streams s:h, s:n, s:l
    // (consumer group 'g'), 4 delayed (ZSET id -> due ms), 5 leases (ZSET id -> lease expiry ms), 6 keyhead (HASH job key
    // -> id of the job holding it), 7 stats (HASH counters and 'depth'), 8 dead (ZSET id -> dead at ms), 9 paused, 10
    // epoch; from KEYS[11] the keys of the jobs the caller names (each script's comment says which). ARGV[1] the
    // partition's key prefix, for the keys a script finds only while it runs (jobkey(id) of an id read from a stream, a
    // key's list or a sorted set, keyq:{key} of a key read from a job's hash, dedup:{idem} of a rolled back job: same hash
    // tag, so the same slot; docs/queues.md, "Keys the scripts build"), ARGV[2] MaxDead, ARGV[3] DeadRetention ms, ARGV[4]
    // Retention ms; each script's own arguments start at ARGV[5].
    // Job hash fields: payload key prio state attempts max backoff runAt enqueuedAt startedAt finishedAt token lease kind
    // worker error result progress entry. Time is Redis's (TIME) only. Replies are named fields (QueueReply).
    private const string Prelude = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local P = ARGV[1]
        local S = {KEYS[1], KEYS[2], KEYS[3]}
        local DELAYED, LEASES, KEYHEAD, STATS, DEAD, PAUSED, EPOCH = KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10]
        local woke = 0
        local function jobkey(id) return P .. 'job:' .. id end
        local function stream(prio) return S[(tonumber(prio) or 1) + 1] end
        local function push(id, jk, prio)
          local e = redis.call('XADD', stream(prio), '*', 'j', id)
          redis.call('HSET', jk, 'state', 'waiting', 'entry', e, 'readyAt', now)
          woke = woke + 1
        end
        local function ready(id, jk)
          local h = redis.call('HMGET', jk, 'prio', 'runAt')
          local runAt = tonumber(h[2]) or 0
          if runAt > now then
            redis.call('ZADD', DELAYED, runAt, id)
            redis.call('HSET', jk, 'state', 'delayed', 'entry', '')
            return 'delayed'
          end
          push(id, jk, h[1])
          return 'waiting'
        end
        local function release(key, id)
          if not key or key == '' or redis.call('HGET', KEYHEAD, key) ~= id then return end
          local q = P .. 'keyq:' .. key
          while true do
            local nxt = redis.call('LPOP', q)
            if not nxt then redis.call('HDEL', KEYHEAD, key) return end
            local njk = jobkey(nxt)
            -- Only a job still parked (waiting, no entry) takes the key: a finished id left in the list stays finished.
            if redis.call('HGET', njk, 'state') == 'waiting' then
              redis.call('HSET', KEYHEAD, key, nxt)
              ready(nxt, njk)
              return
            end
          end
        end
        -- A revoked lease (cancel, or death while the lease still ran) may have a holder still running the job: its key
        -- stays held until the lease ends (reap) or the holder's report with that token is refused ('rtoken').
        local function hold(id, jk, key, token, untilMs)
          untilMs = tonumber(untilMs)
          if key and key ~= '' and token and untilMs and untilMs > now then
            redis.call('HSET', jk, 'rtoken', token)
            redis.call('ZADD', LEASES, untilMs, id)
            local ttl = redis.call('PTTL', jk)
            if ttl >= 0 and ttl < untilMs - now + 60000 then redis.call('PEXPIRE', jk, untilMs - now + 60000) end
            return
          end
          release(key, id)
        end
        local function unhold(id, jk)
          local h = redis.call('HMGET', jk, 'rtoken', 'key')
          if not h[1] then return end
          redis.call('HDEL', jk, 'rtoken')
          redis.call('ZREM', LEASES, id)
          release(h[2], id)
        end
        local function unentry(entry, prio)
          if entry and entry ~= '' then
            local s = stream(prio)
            redis.call('XACK', s, 'g', entry)
            redis.call('XDEL', s, entry)
          end
        end
        -- A stale activation (another one bumped the epoch since) must not lease, reap or dispatch: it answers 'fenced'.
        local function fenced(epoch)
          return tonumber(redis.call('GET', EPOCH) or '0') ~= tonumber(epoch)
        end
        -- Takes an unfinished job that is not active out of where it waits: delayed (or failed, waiting for its retry),
        -- in its stream (never delivered: no PEL entry) or parked behind its key.
        local function unwait(id, st, entry, prio, key)
          if st == 'delayed' or st == 'failed' then
            redis.call('ZREM', DELAYED, id)
          elseif entry and entry ~= '' then
            redis.call('XDEL', stream(prio), entry)
          elseif key and key ~= '' then
            redis.call('LREM', P .. 'keyq:' .. key, 1, id)
          end
        end
        local function earliest(zset)
          local d = redis.call('ZRANGE', zset, 0, 0, 'WITHSCORES')
          if d[2] then return tonumber(d[2]) end
          return false
        end
        local function kill(id, jk, key, err, token, untilMs)
          redis.call('HSET', jk, 'state', 'dead', 'error', err, 'finishedAt', now, 'entry', '')
          redis.call('HDEL', jk, 'token', 'lease')
          redis.call('PEXPIRE', jk, ARGV[3])
          redis.call('ZADD', DEAD, now, id)
          redis.call('HINCRBY', STATS, 'dead', 1)
          redis.call('HINCRBY', STATS, 'depth', -1)
          hold(id, jk, key, token, untilMs)
          local over = redis.call('ZCARD', DEAD) - tonumber(ARGV[2])
          if over > 0 then
            local old = redis.call('ZPOPMIN', DEAD, over)
            for i = 1, #old, 2 do redis.call('DEL', jobkey(old[i])) end
          end
        end
        local redelivered_user, redelivered_attempt = '', 0
        local function redeliver(id, reason)
          local jk = jobkey(id)
          redis.call('ZREM', LEASES, id)
          local h = redis.call('HMGET', jk, 'state', 'entry', 'prio', 'attempts', 'max', 'key', 'token', 'lease', 'user')
          if h[1] ~= 'active' then
            unhold(id, jk)
            return 0
          end
          redelivered_user, redelivered_attempt = h[9] or '', tonumber(h[4]) or 0
          unentry(h[2], h[3])
          redis.call('HINCRBY', STATS, 'failed', 1)
          if (tonumber(h[4]) or 0) >= (tonumber(h[5]) or 1) then
            kill(id, jk, h[6], reason, h[7], h[8])
            return 2
          end
          redis.call('HDEL', jk, 'token', 'lease')
          redis.call('HSET', jk, 'error', reason)
          push(id, jk, h[3])
          redis.call('HINCRBY', STATS, 'retried', 1)
          return 1
        end
        -- Concatenates reply parts (each a flat list of name, value pairs) into one reply.
        local function reply(...)
          local r = {}
          for _, part in ipairs({...}) do
            if part.err then return part end
            for i = 1, #part do r[#r + 1] = part[i] end
          end
          return r
        end
        local function promote(limit)
          local due = redis.call('ZRANGEBYSCORE', DELAYED, '-inf', now, 'LIMIT', 0, limit)
          for _, id in ipairs(due) do
            redis.call('ZREM', DELAYED, id)
            local jk = jobkey(id)
            local prio = redis.call('HGET', jk, 'prio')
            if prio then push(id, jk, prio) end
          end
        end

        """;

    // KEYS[11..] per job, in ARGV's order: its hash job:{id}, then keyq:{key} when it has a key, then dedup:{idem} when it
    // has an idempotency key. ARGV[5] per-partition depth cap, ARGV[6] idempotency window ms, ARGV[7] number of groups G,
    // ARGV[8..7+G] each group's job count, then 10 values per job: id, payload, key ('' none), priority 0-2, delay ms,
    // run-at ms (0: use the delay), idempotency key ('' none), max attempts, backoff ms, user id ('' none: its events go
    // to job:{id} only). Each group is all or nothing against the depth cap.
    // Replies 'id', 'dup' (1/0), 'state' (columns, one per job; '' for a job of a refused group), 'group' ('ok'|'full'
    // per group), 'woke' (jobs made ready), 'due' (earliest delayed, or false), 'depth', 'now'.
    private const string EnqueueScript = Prelude + """
        -- The KEYS of the job whose keys start at KEYS[k]: its hash, its key's list and its dedup key (false when it has
        -- no key or no idempotency key), and where the next job's keys start.
        local function jobkeys(k, key, idem)
          local jk, qk, dk = KEYS[k], false, false
          k = k + 1
          if key ~= '' then qk, k = KEYS[k], k + 1 end
          if idem ~= '' then dk, k = KEYS[k], k + 1 end
          return jk, qk, dk, k
        end
        local maxDepth = tonumber(ARGV[5])
        local ng = tonumber(ARGV[7])
        local ids, dups, states, groups = {}, {}, {}, {}
        local depth = tonumber(redis.call('HGET', STATS, 'depth') or '0')
        local pos = 8 + ng
        local k = 11
        local n = 0
        local added = 0
        for g = 1, ng do
          local count = tonumber(ARGV[7 + g])
          local fresh = 0
          local gk = k
          for j = 0, count - 1 do
            local _, _, dk
            _, _, dk, k = jobkeys(k, ARGV[pos + j * 10 + 2], ARGV[pos + j * 10 + 6])
            if not dk or redis.call('EXISTS', dk) == 0 then fresh = fresh + 1 end
          end
          if fresh > 0 and depth + fresh > maxDepth then
            groups[g] = 'full'
            for j = 1, count do
              n = n + 1
              ids[n] = ''
              dups[n] = 0
              states[n] = ''
            end
          else
            groups[g] = 'ok'
            for j = 0, count - 1 do
              local b = pos + j * 10
              local id, key, idem = ARGV[b], ARGV[b + 2], ARGV[b + 6]
              local jk, qk, dk
              jk, qk, dk, gk = jobkeys(gk, key, idem)
              n = n + 1
              local first = false
              if dk then first = redis.call('GET', dk) end
              if first then
                ids[n] = first
                dups[n] = 1
                states[n] = redis.call('HGET', jobkey(first), 'state') or 'completed'
                redis.call('HINCRBY', STATS, 'deduped', 1)
              else
                local runAt = tonumber(ARGV[b + 5])
                if runAt == 0 then runAt = now + tonumber(ARGV[b + 4]) end
                -- One HSET per job with its state and stream entry (the hot path of a bulk enqueue).
                local state, entry = 'waiting', ''
                if qk and redis.call('HSETNX', KEYHEAD, key, id) == 0 then
                  redis.call('RPUSH', qk, id)
                elseif runAt > now then
                  redis.call('ZADD', DELAYED, runAt, id)
                  state = 'delayed'
                else
                  entry = redis.call('XADD', stream(ARGV[b + 3]), '*', 'j', id)
                  woke = woke + 1
                end
                redis.call('HSET', jk, 'payload', ARGV[b + 1], 'key', key, 'prio', ARGV[b + 3], 'attempts', 0,
                  'max', ARGV[b + 7], 'backoff', ARGV[b + 8], 'runAt', runAt, 'enqueuedAt', now, 'state', state, 'entry', entry, 'idem', idem, 'user', ARGV[b + 9], 'readyAt', now)
                states[n] = state
                if dk then redis.call('SET', dk, id, 'PX', ARGV[6]) end
                ids[n] = id
                dups[n] = 0
                depth = depth + 1
                added = added + 1
              end
            end
          end
          pos = pos + count * 10
        end
        if added > 0 then
          redis.call('HSET', STATS, 'depth', depth)
          redis.call('HINCRBY', STATS, 'enqueued', added)
        end
        return {'id', ids, 'dup', dups, 'state', states, 'group', groups, 'woke', woke, 'due', earliest(DELAYED), 'depth', depth, 'now', now}
        """;

    // lease(L): ARGV[L] consumer name, ARGV[L+1] most jobs, ARGV[L+2] lease ms, ARGV[L+3] kind ('silo'|'ext'), ARGV[L+4]
    // worker, ARGV[L+5] epoch, ARGV[L+6] random token base (each job's token is epoch.base..n), ARGV[L+7] active cap (0:
    // none), ARGV[L+8] promotion limit. Promotes due delayed jobs first, then reads high, normal, low in that order.
    // Answers columns 'id', 'payload', 'key', 'prio', 'attempt', 'max', 'enq', 'token', 'wait' (ms since ready), and
    // 'until' (lease expiry), 'paused', 'created' (consumer groups created after NOGROUP), 'lease' (earliest lease
    // expiry); only 'fenced' when ARGV[L+5] is not the partition's epoch (nothing done).
    private const string LeaseSteps = """
        local function lease(L)
          if fenced(ARGV[L + 5]) then return {'fenced', 1} end
          promote(tonumber(ARGV[L + 8]))
          local ids, payloads, keys, prios, attempts, maxes, enq, tokens, waits = {}, {}, {}, {}, {}, {}, {}, {}, {}
          local paused = redis.call('EXISTS', PAUSED)
          local created = 0
          local untilMs = now + tonumber(ARGV[L + 2])
          local want = tonumber(ARGV[L + 1])
          local cap = tonumber(ARGV[L + 7])
          if cap > 0 then
            local room = cap - redis.call('ZCARD', LEASES)
            if room < want then want = room end
          end
          local n = 0
          local held = {}
          if paused == 0 then
            for si = 1, 3 do
              if want - n <= 0 then break end
              local r = redis.pcall('XREADGROUP', 'GROUP', 'g', ARGV[L], 'COUNT', want - n, 'STREAMS', S[si], '>')
              if type(r) == 'table' and r.err then
                if not string.find(r.err, 'NOGROUP', 1, true) then return redis.error_reply(r.err) end
                redis.call('XGROUP', 'CREATE', S[si], 'g', '0', 'MKSTREAM')
                created = created + 1
                r = redis.call('XREADGROUP', 'GROUP', 'g', ARGV[L], 'COUNT', want - n, 'STREAMS', S[si], '>')
              end
              if r then
                for _, e in ipairs(r[1][2]) do
                  local entry, id = e[1], e[2][2]
                  local jk = jobkey(id)
                  local h = redis.call('HMGET', jk, 'state', 'payload', 'key', 'prio', 'max', 'enqueuedAt', 'runAt', 'entry', 'attempts', 'readyAt')
                  if h[1] ~= 'waiting' or h[8] ~= entry then
                    redis.call('XACK', S[si], 'g', entry)
                    redis.call('XDEL', S[si], entry)
                  else
                    n = n + 1
                    local token = ARGV[L + 5] .. '.' .. ARGV[L + 6] .. n
                    attempts[n] = (tonumber(h[9]) or 0) + 1
                    redis.call('HSET', jk, 'state', 'active', 'attempts', attempts[n], 'token', token, 'lease', untilMs, 'kind', ARGV[L + 3],
                      'worker', ARGV[L + 4], 'startedAt', now)
                    held[#held + 1] = untilMs
                    held[#held + 1] = id
                    ids[n] = id
                    payloads[n] = h[2]
                    keys[n] = h[3]
                    prios[n] = tonumber(h[4])
                    maxes[n] = tonumber(h[5])
                    enq[n] = tonumber(h[6])
                    tokens[n] = token
                    -- Wait time counts from when the job became ready (not time parked behind its key or a previous attempt).
                    waits[n] = now - (tonumber(h[10]) or math.max(tonumber(h[6]) or now, tonumber(h[7]) or 0))
                  end
                end
              end
            end
            -- One ZADD (and below one XACK, XDEL, ZREM per stream) for the batch, not one per job.
            if n > 0 then
              redis.call('ZADD', LEASES, unpack(held))
              redis.call('HINCRBY', STATS, 'started', n)
            end
          end
          return {'id', ids, 'payload', payloads, 'key', keys, 'prio', prios, 'attempt', attempts, 'max', maxes, 'enq', enq,
            'token', tokens, 'wait', waits, 'until', untilMs, 'paused', paused, 'created', created, 'lease', earliest(LEASES)}
        end

        """;

    // lease(5) (LeaseSteps) and 'due' (earliest delayed), 'woke', 'now'.
    private const string LeaseScript = Prelude + LeaseSteps + """
        return reply(lease(5), {'due', earliest(DELAYED), 'woke', woke, 'now', now})
        """;

    // complete(C, K): ARGV[C] number of completions N, then 3 values each: id, token, result ('' none); KEYS[K..K+N-1]
    // each completion's job hash. A completion with the token of a job already completed with it answers 'ok' again (a
    // retried call); any other mismatch is 'lost'.
    // Answers columns 'status' ('ok'|'lost'), 'run' (ms since the attempt started), 'user' (the job's user, '' none),
    // 'attempt' (0 for a repeated completion: nothing changed).
    private const string CompleteSteps = """
        local function complete(C, K)
          local n = tonumber(ARGV[C])
          local status, runs, users, atts = {}, {}, {}, {}
          local done = 0
          local finished, entries = {}, {{}, {}, {}}
          for i = 0, n - 1 do
            local id, token, result = ARGV[C + 1 + i * 3], ARGV[C + 2 + i * 3], ARGV[C + 3 + i * 3]
            local jk = KEYS[K + i]
            local h = redis.call('HMGET', jk, 'state', 'token', 'entry', 'prio', 'key', 'startedAt', 'user', 'attempts')
            runs[i + 1] = 0
            users[i + 1] = h[7] or ''
            atts[i + 1] = tonumber(h[8]) or 0
            if h[2] ~= token then
              status[i + 1] = 'lost'
              if redis.call('HGET', jk, 'rtoken') == token then unhold(id, jk) end
            elseif h[1] == 'completed' then
              status[i + 1] = 'ok'
              atts[i + 1] = 0
            elseif h[1] ~= 'active' then
              status[i + 1] = 'lost'
            else
              if h[3] and h[3] ~= '' then
                local e = entries[(tonumber(h[4]) or 1) + 1]
                e[#e + 1] = h[3]
              end
              finished[#finished + 1] = id
              if result ~= '' then
                redis.call('HSET', jk, 'state', 'completed', 'finishedAt', now, 'entry', '', 'result', result)
              else
                redis.call('HSET', jk, 'state', 'completed', 'finishedAt', now, 'entry', '')
              end
              redis.call('PEXPIRE', jk, ARGV[4])
              release(h[5], id)
              done = done + 1
              status[i + 1] = 'ok'
              runs[i + 1] = now - (tonumber(h[6]) or now)
            end
          end
          for si = 1, 3 do
            if #entries[si] > 0 then
              redis.call('XACK', S[si], 'g', unpack(entries[si]))
              redis.call('XDEL', S[si], unpack(entries[si]))
            end
          end
          if done > 0 then
            redis.call('ZREM', LEASES, unpack(finished))
            redis.call('HINCRBY', STATS, 'completed', done)
            redis.call('HINCRBY', STATS, 'depth', -done)
          end
          return {'status', status, 'run', runs, 'user', users, 'attempt', atts}
        end

        """;

    // complete(5, 11) (CompleteSteps: KEYS[11..] the jobs' hashes) and 'woke' (parked jobs made ready), 'due', 'depth', 'now'.
    private const string CompleteScript = Prelude + CompleteSteps + """
        return reply(complete(5, 11), {'woke', woke, 'due', earliest(DELAYED), 'depth', tonumber(redis.call('HGET', STATS, 'depth') or '0'), 'now', now})
        """;

    // One run that completes a batch and then leases for the same worker: lease(5) (ARGV[5..13]) after complete(14, 11)
    // (ARGV[14] N, then 3 values each; KEYS[11..10+N] the completed jobs' hashes; the leased jobs' keys are found while it
    // runs), so the slots the completions freed count against the cap, and a fenced lease still lets the completions
    // land (as a complete script and then a lease would). Replies both parts' fields, 'woke'
    // (the completions' alone: jobs the lease did not take are its own 'paused'/short answer), 'due', 'depth', 'now'.
    private const string CompleteLeaseScript = Prelude + CompleteSteps + LeaseSteps + """
        local done = complete(14, 11)
        local freed = woke
        local leased = lease(5)
        return reply(done, leased, {'woke', freed, 'due', earliest(DELAYED), 'depth', tonumber(redis.call('HGET', STATS, 'depth') or '0'), 'now', now})
        """;

    // KEYS[11] the job's hash. ARGV[5] id, ARGV[6] token, ARGV[7] error, ARGV[8] retry-after ms (-1: backoff), ARGV[9] backoff cap ms, ARGV[10]
    // jitter in [0, 1). Backoff: d = min(cap, backoff * 2^(attempt-1)), wait d/2 + jitter * d/2 (equal jitter).
    // Replies 'status' ('retry'|'dead'|'lost'), 'at' (the retry's due time), 'run', 'user' ('' none), 'attempt', 'woke',
    // 'due', 'now'.
    private const string FailScript = Prelude + """
        local id = ARGV[5]
        local jk = KEYS[11]
        local h = redis.call('HMGET', jk, 'state', 'token', 'entry', 'prio', 'key', 'attempts', 'max', 'backoff', 'startedAt', 'user')
        if h[1] ~= 'active' or h[2] ~= ARGV[6] then
          if redis.call('HGET', jk, 'rtoken') == ARGV[6] then unhold(id, jk) end
          return {'status', 'lost', 'woke', woke, 'due', earliest(DELAYED), 'now', now}
        end
        unentry(h[3], h[4])
        redis.call('ZREM', LEASES, id)
        redis.call('HINCRBY', STATS, 'failed', 1)
        local run = now - (tonumber(h[9]) or now)
        local attempts = tonumber(h[6]) or 1
        if attempts >= (tonumber(h[7]) or 1) then
          kill(id, jk, h[5], ARGV[7])
          return {'status', 'dead', 'run', run, 'user', h[10] or '', 'attempt', attempts, 'woke', woke, 'due', earliest(DELAYED), 'now', now}
        end
        local delay = tonumber(ARGV[8])
        if delay < 0 then
          local d = math.min(tonumber(ARGV[9]), (tonumber(h[8]) or 0) * math.pow(2, attempts - 1))
          delay = math.floor(d / 2 + (d / 2) * tonumber(ARGV[10]))
        end
        local at = now + delay
        redis.call('HSET', jk, 'state', 'failed', 'error', ARGV[7], 'runAt', at, 'entry', '')
        redis.call('HDEL', jk, 'token', 'lease')
        redis.call('ZADD', DELAYED, at, id)
        redis.call('HINCRBY', STATS, 'retried', 1)
        return {'status', 'retry', 'at', at, 'run', run, 'user', h[10] or '', 'attempt', attempts, 'woke', woke, 'due', earliest(DELAYED), 'now', now}
        """;

    // KEYS[11] the job's hash. ARGV[5] id, ARGV[6] token. Hands a leased job back unrun (its worker or handler is stopping): back to its stream
    // with the attempt not counted, its key kept (so its key's order holds), the token stale from now on.
    // Replies 'status' ('released'|'lost'), 'woke', 'lease' (earliest lease expiry), 'now'.
    private const string ReleaseScript = Prelude + """
        local id = ARGV[5]
        local jk = KEYS[11]
        local h = redis.call('HMGET', jk, 'state', 'token', 'entry', 'prio', 'attempts')
        if h[1] ~= 'active' or h[2] ~= ARGV[6] then
          if redis.call('HGET', jk, 'rtoken') == ARGV[6] then unhold(id, jk) end
          return {'status', 'lost', 'woke', woke, 'now', now}
        end
        unentry(h[3], h[4])
        redis.call('ZREM', LEASES, id)
        redis.call('HDEL', jk, 'token', 'lease')
        redis.call('HSET', jk, 'attempts', math.max(0, (tonumber(h[5]) or 1) - 1))
        redis.call('HINCRBY', STATS, 'started', -1)
        push(id, jk, h[4])
        return {'status', 'released', 'woke', woke, 'lease', earliest(LEASES), 'now', now}
        """;

    // KEYS[11] the job's hash. ARGV[5] id, ARGV[6] token, ARGV[7] lease ms, ARGV[8] progress, ARGV[9] '1' when progress
    // is given.
    // Replies 'status' ('ok'|'lost'), 'until' (new lease expiry), 'lease' (earliest lease expiry), 'user' ('' none),
    // 'attempt', 'now'.
    private const string HeartbeatScript = Prelude + """
        local jk = KEYS[11]
        local h = redis.call('HMGET', jk, 'state', 'token', 'user', 'attempts')
        if h[1] ~= 'active' or h[2] ~= ARGV[6] then return {'status', 'lost', 'now', now} end
        local l = now + tonumber(ARGV[7])
        redis.call('HSET', jk, 'lease', l)
        if ARGV[9] == '1' then redis.call('HSET', jk, 'progress', ARGV[8]) end
        redis.call('ZADD', LEASES, l, ARGV[5])
        return {'status', 'ok', 'until', l, 'lease', earliest(LEASES), 'user', h[3] or '', 'attempt', tonumber(h[4]) or 0, 'now', now}
        """;

    // ARGV[5] limit per step, ARGV[6] sweep epoch (0: none), ARGV[7] the caller's epoch (else only 'fenced'), ARGV[8] a
    // dead silo's worker name ('' none: with one, its silo-kind leases are redelivered too), ARGV[9] the sweep's offset in
    // the lease table (it reads one page of ARGV[5] leases; 'next' is the offset of the next page, 0 when done). Promotes due delayed jobs, redelivers jobs whose lease ran
    // out (the attempt counts: dead when it was the last), and with a sweep epoch also every silo-kind lease whose
    // token's epoch is older (its handler died with the previous activation); drops dead jobs past DeadRetention.
    // Replies 'redelivered' (ids back in their stream), 'killed' (ids that died), with 'ruser', 'rattempt', 'kuser',
    // 'kattempt' (each one's user, '' none, and expired attempt), 'woke', 'due', 'lease', 'depth', 'now'.
    private const string MaintainScript = Prelude + """
        if fenced(ARGV[7]) then return {'fenced', 1, 'now', now} end
        local limit = tonumber(ARGV[5])
        local sweep = tonumber(ARGV[6])
        promote(limit)
        local back, killed, ruser, rattempt, kuser, kattempt = {}, {}, {}, {}, {}, {}
        local function settle(id, reason)
          local r = redeliver(id, reason)
          if r == 1 then
            back[#back + 1] = id
            ruser[#back] = redelivered_user
            rattempt[#back] = redelivered_attempt
          elseif r == 2 then
            killed[#killed + 1] = id
            kuser[#killed] = redelivered_user
            kattempt[#killed] = redelivered_attempt
          end
        end
        for _, id in ipairs(redis.call('ZRANGEBYSCORE', LEASES, '-inf', now, 'LIMIT', 0, limit)) do
          settle(id, 'The lease expired before the job was completed.')
        end
        local gone = ARGV[8]
        local offset = tonumber(ARGV[9]) or 0
        local nextOffset = 0
        if sweep > 0 or gone ~= '' then
          -- One page of the lease table per script (the caller passes 'next' back until it is 0): a sweep of a large
          -- table never blocks Redis for long. Settled ids leave the ZSET, so the next page starts that much earlier.
          local page = redis.call('ZRANGE', LEASES, offset, offset + limit - 1)
          local before = #back + #killed
          for _, id in ipairs(page) do
            local h = redis.call('HMGET', jobkey(id), 'kind', 'token', 'worker')
            local epoch = h[2] and tonumber(string.match(h[2], '^(%d+)%.'))
            if h[1] == 'silo' and epoch and sweep > 0 and epoch < sweep then
              settle(id, 'The partition restarted while a silo handler ran the job.')
            elseif h[1] == 'silo' and epoch and gone ~= '' and h[3] == gone then
              settle(id, 'The silo running the job\'s handler died.')
            end
          end
          if #page == limit then nextOffset = offset + #page - (#back + #killed - before) end
        end
        local old = redis.call('ZRANGEBYSCORE', DEAD, '-inf', now - tonumber(ARGV[3]), 'LIMIT', 0, limit)
        for _, id in ipairs(old) do
          redis.call('ZREM', DEAD, id)
          redis.call('DEL', jobkey(id))
        end
        return {'next', nextOffset, 'redelivered', back, 'killed', killed, 'ruser', ruser, 'rattempt', rattempt, 'kuser', kuser, 'kattempt', kattempt, 'woke', woke, 'due', earliest(DELAYED), 'lease', earliest(LEASES),
          'depth', tonumber(redis.call('HGET', STATS, 'depth') or '0'), 'now', now}
        """;

    // No own ARGV. Bumps the epoch and makes sure each stream has its consumer group (created at 0 with MKSTREAM).
    // Replies 'epoch', 'created' (groups created), 'paused', 'now'.
    private const string ActivateScript = Prelude + """
        local epoch = redis.call('INCR', EPOCH)
        local created = 0
        for si = 1, 3 do
          local r = redis.pcall('XGROUP', 'CREATE', S[si], 'g', '0', 'MKSTREAM')
          if type(r) == 'table' and r.err then
            if not string.find(r.err, 'BUSYGROUP', 1, true) then return redis.error_reply(r.err) end
          else
            created = created + 1
          end
        end
        return {'epoch', epoch, 'created', created, 'paused', redis.call('EXISTS', PAUSED), 'now', now}
        """;

    // KEYS[11] the job's hash. ARGV[5] id. Waiting (in its stream: XDEL, never delivered; parked: LREM from its key's list), delayed or failed
    // (ZREM), active (lease revoked: XACK+XDEL, token cleared) -> cancelled, kept for Retention; the key passes on (for
    // an active job only when its revoked lease ends, or its holder's report is refused: see hold).
    // Replies 'status' ('cancelled'|'finished'|'missing'), 'woke', 'due', 'now'.
    private const string CancelScript = Prelude + """
        local id = ARGV[5]
        local jk = KEYS[11]
        local h = redis.call('HMGET', jk, 'state', 'entry', 'prio', 'key', 'token', 'lease')
        if not h[1] then return {'status', 'missing', 'now', now} end
        local st = h[1]
        if st == 'completed' or st == 'dead' or st == 'cancelled' then return {'status', 'finished', 'now', now} end
        if st == 'active' then
          unentry(h[2], h[3])
          redis.call('ZREM', LEASES, id)
        else
          unwait(id, st, h[2], h[3], h[4])
        end
        redis.call('HSET', jk, 'state', 'cancelled', 'finishedAt', now, 'entry', '')
        redis.call('HDEL', jk, 'token', 'lease')
        redis.call('PEXPIRE', jk, ARGV[4])
        redis.call('HINCRBY', STATS, 'cancelled', 1)
        redis.call('HINCRBY', STATS, 'depth', -1)
        if st == 'active' then hold(id, jk, h[4], h[5], h[6]) else release(h[4], id) end
        return {'status', 'cancelled', 'woke', woke, 'due', earliest(DELAYED), 'now', now}
        """;

    // KEYS[11..10+N] the jobs' hashes. ARGV[5] number of ids N, ARGV[6..5+N] ids written by an enqueue that the caller takes back (another share of its
    // bulk was refused). A job not leased yet is removed without a trace: its stream entry, delayed entry or parked place,
    // its hash, its idempotency key (when it still names it, so a retried bulk is not answered with a removed job) and
    // its count in depth and 'enqueued'; its key passes on. A job leased in between stays.
    // Replies column 'status' ('removed'|'kept'|'missing'), 'woke', 'due', 'now'.
    private const string RollbackScript = Prelude + """
        local n = tonumber(ARGV[5])
        local status = {}
        local removed = 0
        for i = 1, n do
          local id = ARGV[5 + i]
          local jk = KEYS[10 + i]
          local h = redis.call('HMGET', jk, 'state', 'entry', 'prio', 'key', 'idem')
          if not h[1] then
            status[i] = 'missing'
          elseif h[1] ~= 'waiting' and h[1] ~= 'delayed' then
            status[i] = 'kept'
          else
            unwait(id, h[1], h[2], h[3], h[4])
            if h[5] and h[5] ~= '' and redis.call('GET', P .. 'dedup:' .. h[5]) == id then redis.call('DEL', P .. 'dedup:' .. h[5]) end
            redis.call('DEL', jk)
            release(h[4], id)
            removed = removed + 1
            status[i] = 'removed'
          end
        end
        if removed > 0 then
          redis.call('HINCRBY', STATS, 'depth', -removed)
          redis.call('HINCRBY', STATS, 'enqueued', -removed)
        end
        return {'status', status, 'woke', woke, 'due', earliest(DELAYED), 'now', now}
        """;

    // ARGV[5] limit. Replies columns 'id', 'key', 'payload', 'attempts', 'error', 'at' (dead at ms), most recent first.
    private const string DeadListScript = Prelude + """
        local ids, keys, payloads, attempts, errors, ats = {}, {}, {}, {}, {}, {}
        local rows = redis.call('ZREVRANGE', DEAD, 0, tonumber(ARGV[5]) - 1, 'WITHSCORES')
        for i = 1, #rows, 2 do
          local h = redis.call('HMGET', jobkey(rows[i]), 'key', 'payload', 'attempts', 'error')
          if h[2] then
            local n = #ids + 1
            ids[n] = rows[i]
            keys[n] = h[1] or ''
            payloads[n] = h[2]
            attempts[n] = tonumber(h[3]) or 0
            errors[n] = h[4] or ''
            ats[n] = tonumber(rows[i + 1])
          end
        end
        return {'id', ids, 'key', keys, 'payload', payloads, 'attempts', attempts, 'error', errors, 'at', ats, 'now', now}
        """;

    // KEYS[11] the job's hash. ARGV[5] id. A dead job goes back to its stream (or behind the job holding its key) with its attempts reset.
    // Replies 'status' ('retried'|'missing'), 'woke', 'now'.
    private const string DeadRetryScript = Prelude + """
        local id = ARGV[5]
        local jk = KEYS[11]
        if redis.call('ZREM', DEAD, id) == 0 or redis.call('EXISTS', jk) == 0 then return {'status', 'missing', 'now', now} end
        redis.call('PERSIST', jk)
        redis.call('HSET', jk, 'attempts', 0, 'runAt', 0)
        redis.call('HDEL', jk, 'finishedAt', 'token', 'lease')
        redis.call('HINCRBY', STATS, 'depth', 1)
        local key = redis.call('HGET', jk, 'key')
        if key and key ~= '' and redis.call('HSETNX', KEYHEAD, key, id) == 0 then
          redis.call('RPUSH', P .. 'keyq:' .. key, id)
          redis.call('HSET', jk, 'state', 'waiting', 'entry', '')
        else
          ready(id, jk)
        end
        return {'status', 'retried', 'woke', woke, 'now', now}
        """;

    // ARGV[5] dead before this Unix ms (-1: all). Replies the number of dead jobs deleted.
    private const string DeadPurgeScript = Prelude + """
        local bound = tonumber(ARGV[5])
        local max = '+inf'
        if bound >= 0 then max = '(' .. bound end
        local total = 0
        while true do
          local ids = redis.call('ZRANGEBYSCORE', DEAD, '-inf', max, 'LIMIT', 0, 1000)
          if #ids == 0 then return total end
          for _, id in ipairs(ids) do
            redis.call('ZREM', DEAD, id)
            redis.call('DEL', jobkey(id))
          end
          total = total + #ids
        end
        """;

    // No own ARGV. Replies 'depth', 'delayed', 'active', 'dead', 'paused', 'oldest' (Unix ms of the oldest ready job not
    // yet delivered, or false), 'counters' (HGETALL stats), 'now'.
    private const string StatsScript = Prelude + """
        local oldest = false
        for si = 1, 3 do
          local from = '-'
          local info = redis.pcall('XINFO', 'GROUPS', S[si])
          if type(info) == 'table' and not info.err then
            for _, g in ipairs(info) do
              local name, last = nil, nil
              for i = 1, #g, 2 do
                if g[i] == 'name' then name = g[i + 1] elseif g[i] == 'last-delivered-id' then last = g[i + 1] end
              end
              if name == 'g' and last then from = '(' .. last end
            end
          end
          local first = redis.call('XRANGE', S[si], from, '+', 'COUNT', 1)
          if first[1] then
            local ms = tonumber(string.match(first[1][1], '^(%d+)'))
            if not oldest or ms < oldest then oldest = ms end
          end
        end
        return {'depth', tonumber(redis.call('HGET', STATS, 'depth') or '0'), 'delayed', redis.call('ZCARD', DELAYED),
          'active', redis.call('ZCARD', LEASES), 'dead', redis.call('ZCARD', DEAD), 'paused', redis.call('EXISTS', PAUSED),
          'oldest', oldest, 'counters', redis.call('HGETALL', STATS), 'now', now}
        """;
}
