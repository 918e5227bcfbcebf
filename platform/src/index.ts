export const PLATFORM = "rustos";
