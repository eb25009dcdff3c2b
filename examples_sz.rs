fn main() {
    println!("Sim {} SimState {} Monitor {} Jobs {} Resp {} Chg {}",
        std::mem::size_of::<racelab::engine::Sim>(),
        std::mem::size_of::<racelab::engine::sim::SimState>(),
        std::mem::size_of::<racelab::engine::invariants::Monitor>(),
        std::mem::size_of::<racelab::engine::sim::job::JobsState>(),
        std::mem::size_of::<Option<racelab::engine::sim::responses::ResponsesState>>(),
        std::mem::size_of::<Option<racelab::engine::sim::changes::ChangesState>>());
}
