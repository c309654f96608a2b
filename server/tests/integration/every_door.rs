//! Rules every door keeps alike (the API door, the admin API, the panel's server functions
//! and forms), each tested at all of them.

/// What answers and logs may give away.
mod leaks;
/// Control and invisible characters: a 400 naming the field, never a 500.
mod text_input;
/// An edit that widens a token waits for the password window.
mod token_widening;
