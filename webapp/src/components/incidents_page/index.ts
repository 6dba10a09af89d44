// The incidents page, one file per part: page.tsx (state, filters' values, the fetch), filters.tsx,
// table.tsx, pager.tsx, detail.tsx (one incident's record) and words.tsx (what table and detail share).
export {IncidentsPage} from './page';
